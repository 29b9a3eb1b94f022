"""Anonymisation helpers: stable pseudonyms, small-cell suppression, email masking."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Hashable, Mapping
from typing import TypeVar

from exports.suppression import DEFAULT_THRESHOLD as SMALL_CELL_THRESHOLD
from exports.suppression import SUPPRESSED as SUPPRESSED  # re-exported
from exports.suppression import is_small as _is_small

EMAIL_MASK = "[email removed]"
K = TypeVar("K", bound=Hashable)
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)


def pseudonym(participant_id: object, secret: str | bytes) -> str:
    """'P-' and 8 hex digits of HMAC-SHA256(secret, id): stable for one secret, unguessable without it."""
    if not secret:
        raise ValueError("A pseudonym needs a non-empty secret")
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    digest = hmac.new(key, str(participant_id).encode("utf-8"), hashlib.sha256).hexdigest()
    return f"P-{digest[:8]}"


def suppress_small_cells(
    counts: Mapping[K, int], *, threshold: int = SMALL_CELL_THRESHOLD, marker: object = None
) -> dict[K, int | object]:
    """Counts of people with every cell of 1..threshold-1 replaced by ``marker`` (None, or "<5").

    Zero stays zero: it tells nobody anything about a person.
    """
    return {key: marker if 0 < count < threshold else count for key, count in counts.items()}


def is_small(count: object, *, threshold: int = SMALL_CELL_THRESHOLD) -> bool:
    return _is_small(count, threshold)


def mask_emails(text: str) -> str:
    return _EMAIL.sub(EMAIL_MASK, text)
