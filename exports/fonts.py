"""The fonts shipped with the exports, and a check that a text can be set in them.

Typst's own fonts cover Latin only. We ship OFL-licensed Noto fonts (see fonts/OFL.txt) so that
Polish, Bengali and Arabic names and quotes and (monochrome) emoji render without missing glyphs.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

FONT_DIR = Path(__file__).parent / "fonts"
# Typst and matplotlib try these in order for each character.
FONT_FAMILIES: tuple[str, ...] = ("Noto Sans", "Noto Sans Bengali", "Noto Sans Arabic", "Noto Emoji")
_IGNORED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Mn"}


@cache
def _covered_codepoints() -> frozenset[int]:
    from fontTools.ttLib import TTFont  # matplotlib's dependency; imported lazily

    covered: set[int] = set()
    for path in sorted(FONT_DIR.glob("*.ttf")):
        with TTFont(path, lazy=True) as font:
            covered.update(font.getBestCmap().keys())
    return frozenset(covered)


def unsupported_characters(text: str) -> set[str]:
    """Characters of ``text`` that no shipped font has a glyph for (they would print as boxes)."""
    covered = _covered_codepoints()
    return {
        char
        for char in text
        if ord(char) not in covered
        and not char.isspace()
        and unicodedata.category(char) not in _IGNORED_CATEGORIES
        and not 0xFE00 <= ord(char) <= 0xFE0F  # variation selectors
    }
