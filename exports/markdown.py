"""Escaping user text for Markdown (CommonMark), so it prints as written and never as markup."""

from __future__ import annotations

import re

# Characters that are markup anywhere in a line; CommonMark lets any ASCII punctuation be escaped.
_INLINE_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~&!#$])")
_BULLET_OR_RULE = re.compile(r"^[-+=]")
_ORDERED_ITEM = re.compile(r"^(\d+)([.)])")


def escape(text: object) -> str:
    """One line of inline text: newlines are folded to spaces, markup characters escaped."""
    line = " ".join(str(text).split())
    line = _INLINE_SPECIAL.sub(r"\\\1", line)
    if _BULLET_OR_RULE.match(line):
        return "\\" + line
    ordered = _ORDERED_ITEM.match(line)
    if ordered:
        return f"{ordered.group(1)}\\{ordered.group(2)}{line[ordered.end() :]}"
    return line


def table_cell(value: object) -> str:
    """A value for a pipe-table cell ('' for None)."""
    return "" if value is None else escape(value)
