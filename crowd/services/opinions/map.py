"""The opinion map of a stored run: groups, their points and statements, consensus and division.

Reads a stored `OpinionRun` only; it never clusters.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

import opinions
from crowd.models import Contribution, ContributionStatus, Evidence, EvidenceKind, Foundation, OpinionRun

MAX_POINTS = 2500
"""The map draws at most this many points (an even sample; the viewer's own point is always drawn)."""
SIGNIFICANT_Z = opinions.OpinionParams().significance_z

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
SMALL_CELL = 3


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


@dataclass(frozen=True)
class RepresentativeView:
    statement: Statement
    side: str
    n_success: int
    n_trials: int
    share_in_group: float
    share_rest: float
    z: float
    significant: bool


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
    make_up: list[MakeUp]
    representative: list[RepresentativeView]


@dataclass(frozen=True)
class ShareView:
    style: GroupStyle
    agree: int
    seen: int
    share: float


@dataclass(frozen=True)
class ConsensusView:
    statement: Statement
    consensus: float
    by_group: list[ShareView]
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
    groups: list[GroupView]
    points: list[MapPoint]
    points_total: int
    ungrouped_drawn: int
    consensus: list[ConsensusView]
    closest: list[ConsensusView]
    """When no statement is agreed by every group: the highest group-informed consensus."""
    divisive: list[ConsensusView]
    viewer: Viewer | None


def _statements(session: Session, ids: Iterable[int], slug: str) -> dict[int, Statement]:
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


def _scaler(points: list[opinions.Point]):
    xs = [p.x for p in points] or [0.0]
    ys = [p.y for p in points] or [0.0]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    scale = min((SVG_WIDTH - 2 * SVG_PAD), (SVG_HEIGHT - 2 * SVG_PAD)) / span
    mid_x, mid_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2

    def to_svg(x: float, y: float) -> tuple[float, float]:
        return (
            round(SVG_WIDTH / 2 + (x - mid_x) * scale, 1),
            round(SVG_HEIGHT / 2 - (y - mid_y) * scale, 1),
        )

    return to_svg


def _sample(points: list[opinions.Point], viewer_id: int | None) -> list[opinions.Point]:
    if len(points) <= MAX_POINTS:
        return points
    step = len(points) / MAX_POINTS
    chosen = {int(i * step) for i in range(MAX_POINTS)}
    return [p for i, p in enumerate(points) if i in chosen or p.participant_id == viewer_id]


def _make_up(composition: Iterable[opinions.Composition], *, exact: bool) -> list[MakeUp]:
    names = {"role": "Role", "borough": "Borough"}
    order = {"role": 0, "borough": 1}
    out = []
    for item in sorted(composition, key=lambda c: (order.get(c.attribute, 2), c.attribute)):
        counts = list(item.counts)
        top, rest = counts[:5], counts[5:]
        rows = [(value, _count_words(n, exact=exact)) for value, n in top]
        if rest:
            others = f"{len(rest)} other{'s' if len(rest) > 1 else ''}"
            rows.append((others, _count_words(sum(n for _, n in rest), exact=exact)))
        out.append(MakeUp(attribute=names.get(item.attribute, item.attribute.capitalize()), rows=rows))
    return out


def _count_words(n: int, *, exact: bool) -> str:
    if exact or n >= SMALL_CELL:
        return str(n)
    return f"fewer than {SMALL_CELL}"


def _representative(rep: opinions.Representative, statement: Statement) -> RepresentativeView:
    share_rest = rep.p_success / rep.repness if rep.repness else 0.0
    return RepresentativeView(
        statement=statement,
        side=rep.repful_for,
        n_success=rep.n_success,
        n_trials=rep.n_trials,
        share_in_group=rep.n_success / rep.n_trials if rep.n_trials else 0.0,
        share_rest=min(share_rest, 1.0),
        z=rep.repness_test,
        significant=rep.repness_test > SIGNIFICANT_Z and rep.p_test > SIGNIFICANT_Z,
    )


def _telling(representative: list[RepresentativeView]) -> list[RepresentativeView]:
    """The significant statements; only when there are none, the group's best one (marked not significant).

    Pol.is puts the group's best agreed statement first even when it is not significant (and may then
    report it on its disagree side, e.g. a statement everyone agrees with): shown, it only confuses.
    """
    significant = [r for r in representative if r.significant]
    return significant or representative[:1]


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


def _shares(rows: Iterable[opinions.GroupShare]) -> list[ShareView]:
    return [
        ShareView(
            style=group_style(s.group),
            agree=s.agree,
            seen=s.seen,
            share=s.agree / s.seen if s.seen else 0.0,
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


def build_map(
    session: Session, *, run: OpinionRun, slug: str, viewer_id: int | None, exact: bool
) -> OpinionMap:
    """What the map page shows for a stored run; `exact` shows small make-up counts (moderators)."""
    if not run.result:
        return OpinionMap(run, False, run.message, dict(run.counts), [], [], 0, 0, [], [], [], None)
    result = opinions.result_from_dict(run.result)
    ids = [s for g in result.groups for s in (r.statement_id for r in g.representative)]
    ids += [c.statement_id for c in result.consensus]
    ids += [s for s, _ in result.group_informed_consensus[:5]]
    ids += [d.statement_id for d in result.divisive]
    statements = _statements(session, ids, slug)
    pinned = _pinned(session, [c.statement_id for c in result.consensus]) if exact else {}
    to_svg = _scaler(list(result.points))
    drawn = _sample(list(result.points), viewer_id)
    points = []
    spots = _spread([to_svg(p.x, p.y) for p in drawn])
    for p, (x, y) in zip(drawn, spots, strict=True):
        style = group_style(p.group) if p.group is not None else None
        mine = viewer_id is not None and p.participant_id == viewer_id
        where = f"group {style.letter}" if style else "not in a group (voted on too few statements)"
        title = f"{'You' if mine else 'A participant'}: {where}"
        points.append(MapPoint(x=x, y=y, style=style, mine=mine, title=title))
    points.sort(key=lambda p: p.mine)  # the viewer's point last, so it is drawn on top
    groups = [
        GroupView(
            id=g.id,
            style=group_style(g.id),
            size=g.size,
            centre=to_svg(*g.centre),
            make_up=_make_up(g.make_up, exact=exact),
            representative=_telling(
                [_representative(r, statements[int(r.statement_id)]) for r in g.representative]
            ),
        )
        for g in sorted(result.groups, key=lambda g: g.id)
    ]
    consensus = [
        ConsensusView(
            statements[int(c.statement_id)],
            c.consensus,
            _shares(c.by_group),
            pinned.get(int(c.statement_id), []),
        )
        for c in result.consensus
    ]
    in_consensus = {c.statement_id for c in result.consensus}
    closest = (
        [
            ConsensusView(statements[int(s)], value, [])
            for s, value in result.group_informed_consensus[:5]
            if s not in in_consensus
        ]
        if result.ok and not consensus
        else []
    )
    divisive = [
        ConsensusView(statements[int(d.statement_id)], d.spread, _shares(d.by_group)) for d in result.divisive
    ]
    return OpinionMap(
        run=run,
        ok=result.ok,
        message=result.message,
        counts=dict(run.counts),
        groups=groups,
        points=points,
        points_total=len(result.points),
        ungrouped_drawn=sum(1 for p in points if p.style is None),
        consensus=consensus,
        closest=closest,
        divisive=divisive,
        viewer=_viewer(result, viewer_id),
    )
