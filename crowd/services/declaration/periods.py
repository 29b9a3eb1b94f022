"""Assessment periods as people write them ("2026 Q4", "Q1 2027", "2026-27", "March 2026"), in time order.

Periods are free text (organisations report on their own cycles), so they sort by `period_key`: the year
first, then the part of the year it names (a month, quarter or half), then the text. "2026 Q4" comes
after "2026 Q3" and before "2027 Q1", where a text sort would put "2026 Q10" or "Q1 2027" anywhere.
Text with no year sorts after every dated period, alphabetically.
"""

from __future__ import annotations

import re

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_YEAR = re.compile(r"(?<!\d)(\d{4})(?:\s*[-/]\s*(\d{2}|\d{4}))?(?!\d)")
_QUARTER = re.compile(r"\bq\s*([1-4])\b")
_HALF = re.compile(r"\bh\s*([12])\b")
_MONTH_NUMBER = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})(?!\d)")
_WORD = re.compile(r"[a-z]+")


def period_key(period: str) -> tuple[int, int, int, str]:
    """A sort key: (0 dated / 1 undated, year, month the period ends in, normalised text)."""
    text = " ".join(period.lower().split())
    month_number = _MONTH_NUMBER.search(text)
    if month_number and 1 <= int(month_number.group(2)) <= 12:
        return (0, int(month_number.group(1)), int(month_number.group(2)), text)
    year = _YEAR.search(text)
    if not year:
        return (1, 0, 0, text)
    start = int(year.group(1))
    financial = year.group(2) is not None
    quarter, half = _QUARTER.search(text), _HALF.search(text)
    months = [_MONTHS[w] for w in _WORD.findall(text) if w in _MONTHS]
    if quarter:
        month = 3 * int(quarter.group(1))
    elif half:
        month = 6 * int(half.group(1))
    elif months:
        month = months[-1]
    elif financial:
        month = 15  # "2026-27" or "2026/2027": a financial year, ending in March of the second year
    else:
        month = 12
    if financial and (quarter or half):
        month += 3  # the UK financial year starts in April: its Q1 ends in June
    year = start + (month - 1) // 12
    return (0, year, (month - 1) % 12 + 1, text)


def sort_periods(periods: list[str] | set[str]) -> list[str]:
    return sorted(periods, key=period_key)
