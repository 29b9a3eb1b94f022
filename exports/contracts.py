"""The plain-data shapes the exports take.

The web application (or the CLI, or a test) builds these dicts; nothing in ``exports`` reads a
database or imports ``crowd``. A frozen declaration is exactly the JSON the app stores on publish.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, NotRequired, TypedDict

EvidenceKind = Literal["quote", "case_study", "literature"]
OutcomeUnit = Literal["percentage", "count", "rate", "yes_no", "scale"]


class Evidence(TypedDict):
    kind: EvidenceKind
    text: str
    attribution: str
    reference: NotRequired[str | None]


class Outcome(TypedDict):
    name: str
    definition: str
    unit: OutcomeUnit
    direction: Literal["higher", "lower"]
    baseline: float | None
    target: float | None
    period: str
    data_source: str


class Foundation(TypedDict):
    slug: str
    title: str
    statement: str
    looks_like: str
    how_to_achieve: str
    evidence: list[Evidence]
    outcomes: list[Outcome]


class DeclarationStats(TypedDict):
    people: int
    organisations: int
    boroughs: int
    ideas: int
    comments: int
    votes: int
    poll_support_share: float | None


class EasyReadPoint(TypedDict):
    text: str
    picture: str  # a picture name, or ""
    alt: str
    svg: NotRequired[str]  # the picture's SVG text, inlined by the app for the exports


class EasyRead(TypedDict):
    preamble: list[EasyReadPoint]
    foundations: dict[str, list[EasyReadPoint]]  # by foundation slug; a missing one falls back


class Declaration(TypedDict):
    """A frozen declaration version, as published (or a draft being previewed)."""

    title: str
    version: int
    status: Literal["published", "draft"]
    published_at: str | None
    change_note: str
    preamble: str
    public_url: str
    stats: DeclarationStats
    foundations: list[Foundation]
    easy_read: NotRequired[EasyRead]


Row = Sequence[Any] | Mapping[str, Any]
# (columns, rows): rows may be a generator over many rows; it is consumed once, never materialised.
Table = tuple[Sequence[str], Iterable[Row]]
# table name -> table; expected names are listed in exports.data.TABLE_NAMES
DataSnapshot = Mapping[str, Table]
# table name -> column name -> description, for the README inside the zip
ColumnDescriptions = Mapping[str, Mapping[str, str]]


class ThemeSize(TypedDict):
    label: str
    size: int


class PollCounts(TypedDict):
    completely: int
    mostly: int
    partly: int
    not_at_all: int


class EqualityRow(TypedDict):
    group: str
    people: int | str  # a count, or "<5" (suppressed, primary or secondary)
    share: str
    reference: str
    under: bool


class EqualityTable(TypedDict):
    title: str
    total: int | str
    note: str
    rows: list[EqualityRow]


class EngagementReport(TypedDict):
    title: str
    generated_at: str
    participants_by_role: dict[str, int]
    participants_by_org_type: dict[str, int]
    # the 33 London local authorities (32 boroughs and the City) plus "Outside London"
    participants_by_borough: dict[str, int]
    # (date_iso, ideas, comments, votes)
    activity_by_day: list[tuple[str, int, int, int]]
    contributions_by_section: dict[str, int]
    contributions_by_stream: dict[str, int]
    poll: PollCounts
    themes: list[ThemeSize]
    # who took part by the equality monitoring categories, already suppressed by the app
    equality: NotRequired[list[EqualityTable]]
