"""Text normalisation and keys shared by the embedding cache and the pipeline."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Unicode NFC, collapsed whitespace, stripped: the form that is embedded and hashed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def text_key(text: str) -> str:
    """sha256 of the normalised text: the cache key (with the model name)."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def is_usable(text: str) -> bool:
    """A text with at least one letter or digit can be themed; blank or punctuation-only text cannot."""
    return any(ch.isalnum() for ch in normalise(text))
