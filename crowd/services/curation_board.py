"""The theme board: every theme of a workshop with its size, support, who it speaks for, and its verdict.

Each breakdown is one GROUP BY query over all the workshop's themes (never a query per theme), counting
shown primary members only: hidden and withdrawn contributions drop out of sizes, support and breakdowns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from crowd.models import (
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
)
from crowd.services import consensus
from crowd.services.contributions import shown_clause
from crowd.services.theme_runs import latest_good_run

SORTS = {
    "size": "Size",
    "support": "Support (agree share)",
    "new": "New since last run first",
    "consensus": "Consensus first",
    "division": "Most divisive first",
    "label": "Name",
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

    def role_parts(self) -> list[tuple[str, int, float]]:
        """(role, count, fraction of the size) in a fixed order, for the stacked bar."""
        total = sum(self.roles.values()) or 1
        return [(r, self.roles[r], self.roles[r] / total) for r in ROLE_ORDER if self.roles.get(r)]

    def stream_parts(self) -> list[tuple[str, int, float]]:
        total = sum(self.streams.values()) or 1
        return [
            (s.value, self.streams[s.value], self.streams[s.value] / total)
            for s in Stream
            if self.streams.get(s.value)
        ]


@dataclass
class Board:
    rows: list[BoardRow]
    latest: ThemeRun | None
    total: int
    empty_hidden: int


def _members_by(session: Session, theme_ids: list[int], key) -> dict[int, dict[str, int]]:
    rows = session.exec(
        select(ThemeMember.theme_id, key, func.count())
        .join(Contribution, col(Contribution.id) == ThemeMember.contribution_id)
        .outerjoin(Participant, col(Participant.id) == Contribution.author_id)
        .where(
            col(ThemeMember.theme_id).in_(theme_ids), ThemeMember.rank == MemberRank.PRIMARY, shown_clause()
        )
        .group_by(col(ThemeMember.theme_id), key)
    ).all()
    out: dict[int, dict[str, int]] = {}
    for theme_id, value, n in rows:
        name = getattr(value, "value", value) or "unknown"
        out.setdefault(theme_id, {})[str(name)] = int(n)
    return out


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
    if q.strip():
        query = query.where(func.lower(Theme.label).contains(q.strip().lower()))
    found = list(session.exec(query))
    ids = [t.id for t in found]
    rows = {
        t.id: BoardRow(theme=t, found_in_latest=latest is not None and t.last_run_id == latest.id)
        for t in found
    }
    if ids:
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
            row = rows[theme_id]
            row.size, row.agree, row.disagree = int(size), int(agree), int(disagree)
        role = func.coalesce(Participant.role, Contribution.source_role)
        borough = func.coalesce(Participant.borough, Contribution.source_borough)
        for theme_id, counts in _members_by(session, ids, role).items():
            rows[theme_id].roles = counts
        for theme_id, counts in _members_by(session, ids, borough).items():
            rows[theme_id].boroughs = counts
        for theme_id, counts in _members_by(session, ids, Contribution.stream).items():
            rows[theme_id].streams = counts
        for theme_id, shares in consensus.by_theme(session, theme_ids=ids).items():
            rows[theme_id].groups = shares
        for theme_id, n in session.exec(
            select(FoundationTheme.theme_id, func.count())
            .where(col(FoundationTheme.theme_id).in_(ids))
            .group_by(col(FoundationTheme.theme_id))
        ):
            rows[theme_id].foundations = int(n)
    listed = list(rows.values())
    if show == "consensus":
        listed = [r for r in listed if r.verdict == consensus.Verdict.CONSENSUS]
    elif show == "divisive":
        listed = [r for r in listed if r.verdict == consensus.Verdict.DIVISIVE]
    empty = 0
    if show not in ("retired",):
        empty = sum(1 for r in listed if r.size == 0)
        listed = [r for r in listed if r.size > 0]
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
        "label": lambda r: r.theme.label.lower(),
    }
    return keys.get(sort, keys["size"])
