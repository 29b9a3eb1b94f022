"""Reading numbers from a request (path, query or form values): the one parser the web layer uses."""

from __future__ import annotations

import re
from collections.abc import Iterable

from starlette.requests import Request

BIGGEST = 2**63 - 1  # the largest value a database integer column holds
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,19}")


def integer(raw: object, default: int | None = None) -> int | None:
    """``raw`` as a whole number written in ASCII digits that a database integer can hold, else ``default``.

    Missing values, words, decimals, other scripts' digits and numbers past 64 bits all give ``default``,
    so a hand-edited address or form never reaches a query as something it cannot be.
    """
    text = "" if raw is None else str(raw).strip()
    if not WHOLE_NUMBER.fullmatch(text):
        return default
    value = int(text)
    return value if -BIGGEST - 1 <= value <= BIGGEST else default


def session_value(request: Request, key: str, default: object = None) -> object:
    """A value kept in the signed session cookie (not the database session)."""
    cookie = request.session  # a dict; named apart from the ORM's session.get that web code must not call
    return cookie.get(key, default)


def integers(values: Iterable[object]) -> list[int]:
    """The whole numbers among ``values`` (every ticked box of a form, say); anything else is left out."""
    return [number for number in (integer(value) for value in values) if number is not None]
