"""The opinion map of a stored run: groups, their points and statements, consensus and division.

Reads a stored `OpinionRun` only; it never clusters. The scatter plot is scaled robustly: the frame
holds the middle of the crowd (5th to 95th percentile on each axis, with a margin), and anyone outside
it is drawn at the frame's edge with an arrow pointing the way they lie, so two outliers cannot squeeze
everyone else into a corner. Each group is drawn with the outline (convex hull) of its core (the 90%
of its members closest to its centre) and labelled with its letter and size.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from sqlmodel import Session, col, select

import opinions
from crowd.models import Contribution, ContributionStatus, Evidence, EvidenceKind, Foundation, OpinionRun
from crowd.services.opinions.ranking import Apart, Ranked, Rankings, rankings

MAX_POINTS = 2500
"""The map draws at most this many points (an even sample; the viewer's own point is always drawn)."""
TOP = 10
"""The map lists this many statements agreed by every group and this many that split them."""

# Okabe-Ito colours (safe for the common colour-vision deficiencies), each with its own shape, so colour
# is never the only cue; the letter is printed at each group's centre and in the legend.
GROUP_STYLES = (
    ("#0072B2", "circle"),
    ("#D55E00", "square"),
    ("#007A5A", "triangle"),
    ("#B0588F", "diamond"),
    ("#8B5A00", "cross"),
)
UNGROUPED_COLOUR = "#768692"
SVG_WIDTH, SVG_HEIGHT, SVG_PAD = 600, 400, 28
FRAME_QUANTILES = (0.05, 0.95)
FRAME_MARGIN = 0.25
"""The frame spans the 5th-95th percentile range plus this share of it on each side."""
HULL_CORE = 0.9


def group_letter(group_id: int) -> str:
    return chr(ord("A") + group_id) if 0 <= group_id < 26 else f"G{group_id}"


@dataclass(frozen=True)
class GroupStyle:
    letter: str
    colour: str
    shape: str


def group_style(group_id: int) -> GroupStyle:
    colour, shape = GROUP_STYLES[group_id % len(GROUP_STYLES)]
    return GroupStyle(letter=group_letter(group_id), colour=colour, shape=shape)


@dataclass(frozen=True)
class Statement:
    id: int
    text: str
    href: str | None
    shown: bool
    """False when the contribution was hidden or withdrawn after the run: its text is not shown."""


@dataclass(frozen=True)
class MapPoint:
    x: float
    y: float
    style: GroupStyle | None
    mine: bool
    title: str
    arrow: str = ""
    """For a participant outside the frame: the SVG points of an arrow at the edge, pointing their way."""


@dataclass(frozen=True)
class ApartView:
    """One statement that sets a group apart, in plain words."""

    statement: Statement
    side: str
    in_group: int
    group_seen: int
    share_in_group: float
    share_rest: float
    z: float


@dataclass(frozen=True)
class MakeUp:
    attribute: str
    rows: list[tuple[str, str]]
    """(value, count in words)."""


@dataclass(frozen=True)
class GroupView:
    id: int
    style: GroupStyle
    size: int
    centre: tuple[float, float]
    outline: str
    """SVG path of the group's core outline ('' when it has too few members to draw one)."""
    make_up: list[MakeUp]
    apart: list[ApartView]


@dataclass(frozen=True)
class ShareView:
    style: GroupStyle
    agree: int
    seen: int
    share: float
    enough: bool
    """False below the minimum of votes: shown as a small count, not as a percentage."""


@dataclass(frozen=True)
class ConsensusView:
    statement: Statement
    value: float
    by_group: list[ShareView]
    important: int = 0
    pinned_to: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Viewer:
    grouped: bool
    style: GroupStyle | None
    message: str


@dataclass(frozen=True)
class OpinionMap:
    run: OpinionRun
    ok: bool
    message: str
    counts: dict
    groups: list[GroupView] = field(default_factory=list)
    points: list[MapPoint] = field(default_factory=list)
    points_total: int = 0
    ungrouped_drawn: int = 0
    clipped: int = 0
    consensus: list[ConsensusView] = field(default_factory=list)
    consensus_total: int = 0
    closest: list[ConsensusView] = field(default_factory=list)
    """When no statement is agreed by every group: the highest group-informed consensus."""
    divisive: list[ConsensusView] = field(default_factory=list)
    divisive_total: int = 0
    viewer: Viewer | None = None
    min_votes: int = 5
    small: int = 5


def statements_of(session: Session, ids: Iterable[int], slug: str) -> dict[int, Statement]:
    wanted = {int(i) for i in ids}
    if not wanted:
        return {}
    found = {c.id: c for c in session.exec(select(Contribution).where(col(Contribution.id).in_(wanted)))}
    out = {}
    for sid in wanted:
        c = found.get(sid)
        shown = c is not None and c.status != ContributionStatus.HIDDEN and c.withdrawn_at is None
        out[sid] = Statement(
            id=sid,
            text=c.text if shown and c else "",
            href=f"/w/{slug}/ideas/{sid}" if shown else None,
            shown=shown,
        )
    return out


# --- geometry ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """Maps analysis coordinates into the SVG, clipping what lies outside the robust frame."""

    mid_x: float
    mid_y: float
    scale: float

    @classmethod
    def around(cls, points: list[opinions.Point]) -> Frame:
        if not points:
            return cls(0.0, 0.0, 1.0)
        xy = np.array([(p.x, p.y) for p in points], dtype=np.float64)
        lo, hi = np.quantile(xy, FRAME_QUANTILES, axis=0)
        span = hi - lo
        lo, hi = lo - FRAME_MARGIN * span, hi + FRAME_MARGIN * span
        width = max(float(hi[0] - lo[0]), 1e-9)
        height = max(float(hi[1] - lo[1]), 1e-9)
        scale = min((SVG_WIDTH - 2 * SVG_PAD) / width, (SVG_HEIGHT - 2 * SVG_PAD) / height)
        return cls(float(lo[0] + hi[0]) / 2, float(lo[1] + hi[1]) / 2, scale)

    def raw(self, x: float, y: float) -> tuple[float, float]:
        return SVG_WIDTH / 2 + (x - self.mid_x) * self.scale, SVG_HEIGHT / 2 - (y - self.mid_y) * self.scale

    def place(self, x: float, y: float) -> tuple[float, float, tuple[float, float] | None]:
        """(svg x, svg y, direction) where direction is set when the point was clipped to the edge."""
        sx, sy = self.raw(x, y)
        cx, cy = min(max(sx, SVG_PAD), SVG_WIDTH - SVG_PAD), min(max(sy, SVG_PAD), SVG_HEIGHT - SVG_PAD)
        if (cx, cy) == (sx, sy):
            return round(sx, 1), round(sy, 1), None
        dx, dy = sx - SVG_WIDTH / 2, sy - SVG_HEIGHT / 2
        norm = math.hypot(dx, dy) or 1.0
        return round(cx, 1), round(cy, 1), (dx / norm, dy / norm)


def _arrow(x: float, y: float, direction: tuple[float, float]) -> str:
    """A small arrowhead just outside a clipped mark, pointing where the participant really lies."""
    dx, dy = direction
    tip = (x + 17 * dx, y + 17 * dy)
    base = (x + 10 * dx, y + 10 * dy)
    left = (base[0] - 5 * dy, base[1] + 5 * dx)
    right = (base[0] + 5 * dy, base[1] - 5 * dx)
    return " ".join(f"{round(a, 1)},{round(b, 1)}" for a, b in (tip, left, right))


def _outline(xy: list[tuple[float, float]], centre: tuple[float, float]) -> str:
    """The convex hull of the group's core as an SVG path; '' when fewer than three distinct points."""
    if len(xy) < 3:
        return ""
    pts = np.array(xy, dtype=np.float64)
    if len(pts) >= 10:
        distance = np.hypot(pts[:, 0] - centre[0], pts[:, 1] - centre[1])
        pts = pts[distance <= np.quantile(distance, HULL_CORE)]
    pts = np.unique(np.round(pts, 1), axis=0)
    if len(pts) < 3:
        return ""
    try:
        from scipy.spatial import ConvexHull, QhullError

        hull = ConvexHull(pts)
    except (QhullError, ValueError):  # all on one line
        return ""
    corners = pts[hull.vertices]
    # a little padding outwards, so the marks on the outline stay inside it
    padded = [
        (
            x + 9 * (x - centre[0]) / (math.hypot(x - centre[0], y - centre[1]) or 1.0),
            y + 9 * (y - centre[1]) / (math.hypot(x - centre[0], y - centre[1]) or 1.0),
        )
        for x, y in corners
    ]
    return "M" + " L".join(f"{round(x, 1)},{round(y, 1)}" for x, y in padded) + " Z"


def _spread(xy: list[tuple[float, float]], *, cell: float = 10.0) -> list[tuple[float, float]]:
    """Spread marks that fall on (nearly) the same spot along a small sunflower spiral, so each
    participant stays visible; marks more than a cell apart are left where they are."""
    seen: dict[tuple[int, int], int] = {}
    out = []
    for x, y in xy:
        key = (round(x / cell), round(y / cell))
        k = seen.get(key, 0)
        seen[key] = k + 1
        radius, angle = 8.0 * math.sqrt(k), k * 2.39996
        out.append((round(x + radius * math.cos(angle), 1), round(y + radius * math.sin(angle), 1)))
    return out


def _sample(points: list[opinions.Point], viewer_id: int | None) -> list[opinions.Point]:
    if len(points) <= MAX_POINTS:
        return points
    step = len(points) / MAX_POINTS
    chosen = {int(i * step) for i in range(MAX_POINTS)}
    return [p for i, p in enumerate(points) if i in chosen or p.participant_id == viewer_id]


# --- words ------------------------------------------------------------------------------------------


def _make_up(composition: Iterable[opinions.Composition], *, exact: bool, small: int) -> list[MakeUp]:
    names = {"role": "Role", "borough": "Borough"}
    order = {"role": 0, "borough": 1}
    out = []
    for item in sorted(composition, key=lambda c: (order.get(c.attribute, 2), c.attribute)):
        counts = list(item.counts)
        top, rest = counts[:4], counts[4:]
        rows = [(value, _count_words(n, exact=exact, small=small)) for value, n in top]
        if rest:
            others = f"{len(rest)} other{'s' if len(rest) > 1 else ''}"
            rows.append((others, _count_words(sum(n for _, n in rest), exact=exact, small=small)))
        out.append(MakeUp(attribute=names.get(item.attribute, item.attribute.capitalize()), rows=rows))
    return out


def _count_words(n: int, *, exact: bool, small: int) -> str:
    if exact or n >= small:
        return str(n)
    return f"fewer than {small}"


def share_views(rows: Iterable, *, min_votes: int) -> list[ShareView]:
    return [
        ShareView(
            style=group_style(s.group),
            agree=s.agree,
            seen=s.seen,
            share=s.agree / s.seen if s.seen else 0.0,
            enough=s.seen >= min_votes,
        )
        for s in rows
    ]


def _pinned(session: Session, ids: Iterable[int]) -> dict[int, list[str]]:
    wanted = list({int(i) for i in ids})
    if not wanted:
        return {}
    rows = session.exec(
        select(Evidence.contribution_id, Foundation.title)
        .join(Foundation, col(Foundation.id) == col(Evidence.foundation_id))
        .where(Evidence.kind == EvidenceKind.QUOTE, col(Evidence.contribution_id).in_(wanted))
    )
    out: dict[int, list[str]] = {}
    for cid, title in rows:
        out.setdefault(cid, []).append(title)
    return out


def _viewer(result: opinions.OpinionResult, viewer_id: int | None) -> Viewer | None:
    if viewer_id is None:
        return None
    point = result.point_for(viewer_id)
    if point is None or point.group is None:
        return Viewer(grouped=False, style=None, message="You have not voted on enough statements yet.")
    style = group_style(point.group)
    return Viewer(grouped=True, style=style, message=f"You are in group {style.letter}.")


def _apart_view(a: Apart, statement: Statement) -> ApartView:
    return ApartView(
        statement=statement,
        side=a.side,
        in_group=a.in_group,
        group_seen=a.group_seen,
        share_in_group=a.share_in_group,
        share_rest=a.share_rest,
        z=a.z,
    )


def _ranked_view(r: Ranked, statements, ranks: Rankings, pinned=None) -> ConsensusView:
    return ConsensusView(
        statement=statements[r.statement_id],
        value=r.value,
        by_group=share_views(r.by_group, min_votes=ranks.min_votes),
        important=ranks.important.get(r.statement_id, 0),
        pinned_to=(pinned or {}).get(r.statement_id, []),
    )


def build_map(
    session: Session,
    *,
    run: OpinionRun,
    slug: str,
    viewer_id: int | None,
    exact: bool,
    min_votes: int = 5,
    small: int = 5,
) -> OpinionMap:
    """What the map page shows for a stored run; `exact` shows small make-up counts (moderators).

    `min_votes` (OPINION_MIN_VOTES) is the fewest votes per group behind consensus and division;
    `small` (SMALL_CELL_THRESHOLD) the fewest people a shown make-up count may stand for.
    """
    if not run.result:
        return OpinionMap(run, False, run.message, dict(run.counts), min_votes=min_votes, small=small)
    result = opinions.result_from_dict(run.result)
    ranks = rankings(run, result, min_votes=min_votes)
    top_consensus, top_divisive = ranks.consensus[:TOP], ranks.divisive[:TOP]
    ids = [a.statement_id for rows in ranks.apart.values() for a in rows]
    ids += [r.statement_id for r in top_consensus + ranks.closest + top_divisive]
    statements = statements_of(session, ids, slug)
    pinned = _pinned(session, [r.statement_id for r in top_consensus]) if exact else {}

    frame = Frame.around([p for p in result.points if p.group is not None] or list(result.points))
    drawn = _sample(list(result.points), viewer_id)
    placed = [frame.place(p.x, p.y) for p in drawn]
    spots = _spread([(x, y) for x, y, _ in placed])
    points = []
    for p, (x, y), (_, _, direction) in zip(drawn, spots, placed, strict=True):
        style = group_style(p.group) if p.group is not None else None
        mine = viewer_id is not None and p.participant_id == viewer_id
        where = f"group {style.letter}" if style else "not in a group (voted on too few statements)"
        far = "; far from the rest, drawn at the edge of the map" if direction else ""
        title = f"{'You' if mine else 'A participant'}: {where}{far}"
        arrow = _arrow(x, y, direction) if direction else ""
        points.append(MapPoint(x=x, y=y, style=style, mine=mine, title=title, arrow=arrow))
    points.sort(key=lambda p: p.mine)  # the viewer's point last, so it is drawn on top

    by_group: dict[int, list[tuple[float, float]]] = {}
    for p, (x, y) in zip(drawn, spots, strict=True):
        if p.group is not None:
            by_group.setdefault(p.group, []).append((x, y))
    groups = []
    for g in sorted(result.groups, key=lambda g: g.id):
        cx, cy, _ = frame.place(*g.centre)
        groups.append(
            GroupView(
                id=g.id,
                style=group_style(g.id),
                size=g.size,
                centre=(cx, cy),
                outline=_outline(by_group.get(g.id, []), (cx, cy)),
                make_up=_make_up(g.make_up, exact=exact, small=small),
                apart=[_apart_view(a, statements[a.statement_id]) for a in ranks.apart.get(g.id, [])],
            )
        )
    return OpinionMap(
        run=run,
        ok=result.ok,
        message=result.message,
        counts=dict(run.counts),
        groups=groups,
        points=points,
        points_total=len(result.points),
        ungrouped_drawn=sum(1 for p in points if p.style is None),
        clipped=sum(1 for p in points if p.arrow),
        consensus=[_ranked_view(r, statements, ranks, pinned) for r in top_consensus],
        consensus_total=len(ranks.consensus),
        closest=[_ranked_view(r, statements, ranks) for r in ranks.closest] if result.ok else [],
        divisive=[_ranked_view(r, statements, ranks) for r in top_divisive],
        divisive_total=len(ranks.divisive),
        viewer=_viewer(result, viewer_id),
        min_votes=min_votes,
        small=small,
    )
