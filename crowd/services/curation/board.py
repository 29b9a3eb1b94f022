"""The theme board: every theme of a workshop with its size, support, who it speaks for, and its verdict.

Each breakdown is one GROUP BY query over all the workshop's themes (never a query per theme), counting
shown primary members only: hidden and withdrawn contributions drop out of sizes, support and breakdowns.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from crowd.models import (
    CandidateFoundation,
    CareRole,
    Contribution,
    FoundationTheme,
    MemberRank,
    Participant,
    Stream,
    Theme,
    ThemeMember,
    ThemeRun,
    ThemeStatus,
    Vote,
)
from crowd.services.curation import consensus
from crowd.services.themes import citations
from crowd.services.themes.curated import latest_good_run
from crowd.services.workshop.contributions import shown_clause

SORTS = {
    "size": "Size",
    "support": "Support (agree share)",
    "new": "New since last run first",
    "consensus": "Consensus first",
    "division": "Most divisive first",
    "important": "Most often marked important first",
    "label": "Name",
    "foundation": "Grouped under candidate foundations",
}
FILTERS = {
    "": "All current themes",
    "new": "New since last run",
    "unreviewed": "Not reviewed",
    "consensus": "Consensus",
    "divisive": "Divisive",
    "curated": "Curated",
    "out_of_scope": "Out of scope",
    "retired": "Merged or split (history)",
}
ROLE_ORDER = [r.value for r in CareRole] + ["unknown"]
TOP_BOROUGHS = 3
ROLE_COLOURS = {"staff": "#005eb8", "service_user": "#007f3b", "carer": "#ffb81c", "other": "#768692"}
STREAM_COLOURS = {"online": "#005eb8", "focus_group": "#330072", "literature": "#768692", "event": "#ae2573"}


@dataclass
class BoardRow:
    theme: Theme
    size: int = 0
    agree: int = 0
    disagree: int = 0
    found_in_latest: bool = False
    roles: dict[str, int] = field(default_factory=dict)
    boroughs: dict[str, int] = field(default_factory=dict)
    streams: dict[str, int] = field(default_factory=dict)
    groups: consensus.GroupShares = field(default_factory=consensus.GroupShares)
    foundations: int = 0
    secondary: int = 0  # shown contributions that also touch the theme (not counted in its size)
    group: tuple[int, str] = (10_000, "")  # (position, title) of the latest run's candidate holding it
    important: int = 0  # votes on its contributions marked "this is important to me"

    @property
    def share(self) -> float | None:
        total = self.agree + self.disagree
        return self.agree / total if total else None

    @property
    def verdict(self) -> consensus.Verdict:
        return self.groups.verdict

    @property
    def top_boroughs(self) -> list[tuple[str, int]]:
        ranked = sorted(self.boroughs.items(), key=lambda kv: (-kv[1], kv[0]))
        return ranked[:TOP_BOROUGHS]

    @property
    def other_boroughs(self) -> int:
        return sum(n for _, n in sorted(self.boroughs.items(), key=lambda kv: (-kv[1], kv[0]))[TOP_BOROUGHS:])

    def role_bar(self) -> Bar:
        return _bar({r: self.roles[r] for r in ROLE_ORDER if self.roles.get(r)}, ROLE_COLOURS)

    def stream_bar(self) -> Bar:
        return _bar(
            {s.value: self.streams[s.value] for s in Stream if self.streams.get(s.value)}, STREAM_COLOURS
        )

    @property
    def where(self) -> str:
        parts = [f"{b} {n}" for b, n in self.top_boroughs]
        return " · ".join(parts + ([f"other {self.other_boroughs}"] if self.other_boroughs else []))

    @property
    def group_text(self) -> str:
        return " · ".join(
            f"{g.label} {share * 100:.0f}%" for g, share, n in self.groups.rows if n and share is not None
        )


@dataclass(frozen=True)
class Bar:
    """A stacked bar: (x, width, colour) segments out of 100, and its text."""

    segments: list[tuple[float, float, str]]
    text: str


def _bar(counts: dict[str, int], colours: dict[str, str]) -> Bar:
    total = sum(counts.values()) or 1
    segments, x = [], 0.0
    for name, n in counts.items():
        width = 100 * n / total
        segments.append((round(x, 1), round(width, 1), colours.get(name, "#d8dde0")))
        x += width
    return Bar(segments, " · ".join(f"{name.replace('_', ' ')} {n}" for name, n in counts.items()))


@dataclass
class Board:
    rows: list[BoardRow]
    latest: ThemeRun | None
    total: int
    empty_hidden: int


def _role_name(role: object, source_role: str | None) -> str:
    if role is not None:
        return str(getattr(role, "value", role))
    if not source_role:
        return "unknown"
    return source_role if source_role in ROLE_ORDER else "other"


def _breakdowns(session: Session, theme_ids: list[int], out: _Aggregates) -> None:
    """Authors' role, borough and stream per theme: one GROUP BY over every member, folded here (the
    participant's role and borough, else those recorded on an imported note)."""
    keys = (
        col(ThemeMember.theme_id),
        col(Participant.role),
        col(Contribution.source_role),
        col(Participant.borough),
        col(Contribution.source_borough),
        col(Contribution.stream),
    )
    found = session.exec(
        select(*keys, func.count())
        .join(Contribution, col(Contribution.id) == ThemeMember.contribution_id)
        .outerjoin(Participant, col(Participant.id) == Contribution.author_id)
        .where(
            col(ThemeMember.theme_id).in_(theme_ids), ThemeMember.rank == MemberRank.PRIMARY, shown_clause()
        )
        .group_by(*keys)
    ).all()
    for theme_id, role, source_role, borough, source_borough, stream, n in found:
        values = (
            (out.roles, _role_name(role, source_role)),
            (out.boroughs, borough or source_borough or "unknown"),
            (out.streams, str(getattr(stream, "value", stream))),
        )
        for table, name in values:
            counts = table.setdefault(theme_id, {})
            counts[name] = counts.get(name, 0) + int(n)


@dataclass
class _Aggregates:
    """Everything the board counts, per theme id, for every theme of a workshop."""

    support: dict[int, tuple[int, int, int]]
    roles: dict[int, dict[str, int]]
    boroughs: dict[int, dict[str, int]]
    streams: dict[int, dict[str, int]]
    groups: dict[int, consensus.GroupShares]
    foundations: dict[int, int]
    secondary: dict[int, int] = field(default_factory=dict)
    important: dict[int, int] = field(default_factory=dict)


_CACHE: dict[tuple[str, int], tuple[tuple, _Aggregates]] = {}
_CACHE_LOCK = threading.Lock()


def _fingerprint(session: Session, workshop_id: int) -> tuple:
    """Cheap aggregates that change whenever anything the board counts changes: votes, contributions,
    theme memberships, themes, foundation links and participants' roles and boroughs."""
    queries = [
        select(func.count(), func.max(Vote.id), func.max(Vote.updated_at)),
        select(
            func.count(),
            func.max(Contribution.id),
            func.max(Contribution.updated_at),
            func.max(Contribution.moderated_at),
            func.max(Contribution.withdrawn_at),
            func.sum(Contribution.agree_count),
            func.sum(Contribution.disagree_count),
        ).where(Contribution.workshop_id == workshop_id),
        select(func.count(), func.max(ThemeMember.id)),
        select(func.count(), func.sum(Theme.version), func.max(Theme.updated_at)).where(
            Theme.workshop_id == workshop_id
        ),
        select(func.count(), func.max(FoundationTheme.id)),
    ]
    marks = tuple(tuple(session.exec(q).one()) for q in queries)
    people = hash(tuple(session.exec(select(Participant.id, Participant.role, Participant.borough)).all()))
    return (*marks, people)


def _aggregates(session: Session, *, workshop_id: int) -> _Aggregates:
    """Counts for every theme of the workshop, from a per-process cache while nothing counted changed."""
    key = _fingerprint(session, workshop_id)
    slot = (str(session.get_bind().url), workshop_id)
    with _CACHE_LOCK:
        cached = _CACHE.get(slot)
    if cached is not None and cached[0] == key:
        return cached[1]
    ids = list(session.exec(select(Theme.id).where(Theme.workshop_id == workshop_id)))
    fresh = _compute(session, ids)
    with _CACHE_LOCK:
        _CACHE[slot] = (key, fresh)
    return fresh


def _compute(session: Session, ids: list[int]) -> _Aggregates:
    out = _Aggregates({}, {}, {}, {}, {}, {})
    if not ids:
        return out
    for theme_id, size, agree, disagree in session.exec(
        select(
            ThemeMember.theme_id,
            func.count(),
            func.coalesce(func.sum(Contribution.agree_count), 0),
            func.coalesce(func.sum(Contribution.disagree_count), 0),
        )
        .join(Contribution, col(Contribution.id) == ThemeMember.contribution_id)
        .where(col(ThemeMember.theme_id).in_(ids), ThemeMember.rank == MemberRank.PRIMARY, shown_clause())
        .group_by(col(ThemeMember.theme_id))
    ):
        out.support[theme_id] = (int(size), int(agree), int(disagree))
    for theme_id, n in session.exec(
        select(ThemeMember.theme_id, func.count())
        .join(Contribution, col(Contribution.id) == ThemeMember.contribution_id)
        .where(col(ThemeMember.theme_id).in_(ids), ThemeMember.rank == MemberRank.SECONDARY, shown_clause())
        .group_by(col(ThemeMember.theme_id))
    ):
        out.secondary[theme_id] = int(n)
    for theme_id, n in session.exec(
        select(ThemeMember.theme_id, func.count())
        .join(Contribution, col(Contribution.id) == ThemeMember.contribution_id)
        .join(Vote, col(Vote.contribution_id) == Contribution.id)
        .where(
            col(ThemeMember.theme_id).in_(ids),
            ThemeMember.rank == MemberRank.PRIMARY,
            shown_clause(),
            col(Vote.important).is_(True),
        )
        .group_by(col(ThemeMember.theme_id))
    ):
        out.important[theme_id] = int(n)
    _breakdowns(session, ids, out)
    out.groups = consensus.by_theme(session, theme_ids=ids)
    for theme_id, n in session.exec(
        select(FoundationTheme.theme_id, func.count())
        .where(col(FoundationTheme.theme_id).in_(ids))
        .group_by(col(FoundationTheme.theme_id))
    ):
        out.foundations[theme_id] = int(n)
    return out


def _fill(rows: dict[int, BoardRow], found: _Aggregates) -> None:
    for theme_id, row in rows.items():
        row.size, row.agree, row.disagree = found.support.get(theme_id, (0, 0, 0))
        row.roles = found.roles.get(theme_id, {})
        row.boroughs = found.boroughs.get(theme_id, {})
        row.streams = found.streams.get(theme_id, {})
        row.groups = found.groups.get(theme_id) or consensus.GroupShares()
        row.foundations = found.foundations.get(theme_id, 0)
        row.secondary = found.secondary.get(theme_id, 0)
        row.important = found.important.get(theme_id, 0)


def board(session: Session, *, workshop_id: int, show: str = "", sort: str = "size", q: str = "") -> Board:
    latest = latest_good_run(session, workshop_id=workshop_id)
    query = select(Theme).where(Theme.workshop_id == workshop_id)
    if show == "retired":
        query = query.where(col(Theme.status).in_([ThemeStatus.MERGED, ThemeStatus.SPLIT]))
    elif show == "out_of_scope":
        query = query.where(Theme.status == ThemeStatus.OUT_OF_SCOPE)
    else:
        query = query.where(col(Theme.status).in_([ThemeStatus.ACTIVE, ThemeStatus.OUT_OF_SCOPE]))
    if show == "new":
        query = query.where(col(Theme.is_new).is_(True))
    elif show == "unreviewed":
        query = query.where(col(Theme.reviewed).is_(False))
    elif show == "curated":
        query = query.where(col(Theme.curated).is_(True))
    found = list(session.exec(query))
    if q.strip():  # the name, the other names the run considered, or a keyword
        needle = q.strip().lower()
        found = [
            t for t in found if any(needle in str(x).lower() for x in [t.label, *t.name_options, *t.keywords])
        ]
    rows = {
        t.id: BoardRow(theme=t, found_in_latest=latest is not None and t.last_run_id == latest.id)
        for t in found
    }
    if rows:
        _fill(rows, _aggregates(session, workshop_id=workshop_id))
    listed = list(rows.values())
    if show == "consensus":
        listed = [r for r in listed if r.verdict == consensus.Verdict.CONSENSUS]
    elif show == "divisive":
        listed = [r for r in listed if r.verdict == consensus.Verdict.DIVISIVE]
    empty = 0
    if show not in ("retired",):
        empty = sum(1 for r in listed if r.size == 0)
        listed = [r for r in listed if r.size > 0]
    if sort == "foundation" and latest is not None:
        for c in session.exec(select(CandidateFoundation).where(CandidateFoundation.run_id == latest.id)):
            for theme_id in c.theme_ids:
                if theme_id in rows:
                    rows[theme_id].group = (c.position, c.title)
    listed.sort(key=_sort_key(sort))
    return Board(rows=listed, latest=latest, total=len(listed), empty_hidden=empty)


def _sort_key(sort: str):
    def consensus_rank(r: BoardRow) -> tuple:
        shares = [r.groups.share(g) or 0.0 for g in r.groups.heard]
        return (r.verdict != consensus.Verdict.CONSENSUS, -(min(shares) if shares else -1.0), -r.size)

    keys = {
        "size": lambda r: (-r.size, r.theme.label.lower()),
        "support": lambda r: (r.share is None, -(r.share or 0.0), -r.size),
        "new": lambda r: (not r.theme.is_new, r.theme.reviewed, -r.size),
        "consensus": consensus_rank,
        "division": lambda r: (r.groups.gap is None, -(r.groups.gap or 0.0), -r.size),
        "important": lambda r: (-r.important, -r.size),
        "label": lambda r: r.theme.label.lower(),
        "foundation": lambda r: (r.group[0], -r.size, r.theme.label.lower()),
    }
    return keys.get(sort, keys["size"])


# ---------------------------------------------------------------- candidate foundations of the latest run


@dataclass
class CandidateView:
    """A run's candidate foundation as the board shows it: its draft with footnotes and its themes."""

    candidate: CandidateFoundation
    draft: citations.Draft
    themes: list[Theme]

    @property
    def size(self) -> int:
        return sum(t.size for t in self.themes)


def candidates_of(session: Session, *, run_id: int) -> list[CandidateView]:
    found = list(
        session.exec(
            select(CandidateFoundation)
            .where(CandidateFoundation.run_id == run_id)
            .order_by(col(CandidateFoundation.position))
        )
    )
    ids = {i for c in found for i in c.theme_ids}
    by_id = {t.id: t for t in session.exec(select(Theme).where(col(Theme.id).in_(ids or [-1])))}
    views = []
    for c in found:
        parts = c.citations or {"statement": [{"text": c.statement, "ids": []}]}
        themes = sorted((by_id[i] for i in c.theme_ids if i in by_id), key=lambda t: (-t.size, t.label))
        views.append(CandidateView(c, citations.footnoted(session, parts), themes))
    return views
