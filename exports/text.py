"""Small text helpers shared by the renderers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

_BLANK_LINE = re.compile(r"\n\s*\n")
# What no renderer should be handed: C0/C1 control characters (tab and newline stay), lone surrogates,
# and Unicode non-characters (U+FDD0..U+FDEF and the last two code points of every plane, U+FFFF say),
# which XML (XLSX), Typst and fonts refuse.
_NON_CHARACTERS = "".join(
    chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF) for plane in range(17)
)
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef" + _NON_CHARACTERS + "]"
)


def printable(text: str) -> str:
    """``text`` without the characters that break XLSX, matplotlib or Typst output (the one sanitiser
    for text bound for a file: data export cells, chart labels, Typst data). Matplotlib's mathtext
    (``$...$``) is switched off where charts are drawn, so dollars need no escaping here."""
    return _UNPRINTABLE.sub("", text) if text else text


def printable_data(value: object) -> object:
    """``printable`` applied to every string in nested dicts and lists (keys too)."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable_data(k): printable_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [printable_data(v) for v in value]
    return value


def paragraphs(text: str | None) -> list[str]:
    """Split text on blank lines; single newlines inside a paragraph become spaces."""
    if not text:
        return []
    parts = (" ".join(part.split()) for part in _BLANK_LINE.split(text.strip()))
    return [part for part in parts if part]


def made_line(stats: Mapping[str, int | float | None]) -> str:
    """'Co-created by N people from M organisations across K London boroughs; X ideas, comments and votes'."""
    people = int(stats.get("people") or 0)
    organisations = int(stats.get("organisations") or 0)
    boroughs = int(stats.get("boroughs") or 0)
    actions = sum(int(stats.get(key) or 0) for key in ("ideas", "comments", "votes"))
    return (
        f"Co-created by {people:,} {_plural(people, 'person', 'people')} "
        f"from {organisations:,} {_plural(organisations, 'organisation', 'organisations')} "
        f"across {boroughs:,} London {_plural(boroughs, 'borough', 'boroughs')}; "
        f"{actions:,} ideas, comments and votes"
    )


def version_line(*, version: int, status: str, published_at: str | None) -> str:
    if status == "published" and published_at:
        return f"Version {version}, published {long_date(published_at)}"
    return f"Version {version}, DRAFT - not yet published"


def long_date(iso: str) -> str:
    """'2026-11-20' -> '20 November 2026' (unparseable text is returned as given)."""
    try:
        day = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many
