"""Opinion analysis of a workshop's votes: run it, store it as an immutable snapshot, read it as a map.

The analysis itself lives in the pure `opinions` package; this module feeds it the workshop's votes
(agree +1, disagree -1, pass 0; hidden and withdrawn contributions left out; erased participants left
out), stores the result as an `OpinionRun`, and turns a stored run into what the map page shows.

A run started from the web is analysed in a background thread, so the request returns at once and the
page polls the run's status (the clustering alone takes about a second even for fifty voters on the
shared two-core machine, and several seconds when it is busy); `crowd opinions run` analyses in the
foreground. The app never clusters while rendering a page: pages only read stored runs.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlmodel import Session, col, select

import opinions
from crowd.models import (
    CareRole,
    Contribution,
    ContributionStatus,
    Evidence,
    EvidenceKind,
    Foundation,
    OpinionRun,
    OpinionRunStatus,
    Participant,
    Vote,
    VoteChoice,
)
from crowd.models._base import utcnow
from crowd.services import audit
from crowd.services.declaration import foundations
from crowd.services.errors import Conflict, DomainError, NotFound

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=15)
"""A run still marked running after this long was cut off (the server stopped) and counts as failed."""
MAX_POINTS = 2500
"""The map draws at most this many points (an even sample; the viewer's own point is always drawn)."""
SIGNIFICANT_Z = opinions.OpinionParams().significance_z

VOTE_VALUE = {VoteChoice.AGREE: 1, VoteChoice.DISAGREE: -1, VoteChoice.PASS: 0}
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


# --- running ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnalysisInput:
    votes: list[tuple[int, int, int]]
    attributes: dict[int, dict[str, str]]


def _role_label(value: str | None) -> str:
    if not value:
        return "not given"
    try:
        return CareRole(value).label
    except ValueError:
        return str(value)


def analysis_input(session: Session, *, workshop_id: int) -> AnalysisInput:
    """The workshop's current votes on shown contributions, and each voter's role and borough."""
    rows = session.exec(
        select(Vote.participant_id, Vote.contribution_id, Vote.choice, Participant.role, Participant.borough)
        .join(Contribution, col(Contribution.id) == col(Vote.contribution_id))
        .join(Participant, col(Participant.id) == col(Vote.participant_id))
        .where(
            Contribution.workshop_id == workshop_id,
            col(Contribution.status) != ContributionStatus.HIDDEN,
            col(Contribution.withdrawn_at).is_(None),
            col(Participant.erased_at).is_(None),
        )
        .order_by(col(Vote.id))
    )
    votes: list[tuple[int, int, int]] = []
    attributes: dict[int, dict[str, str]] = {}
    for participant_id, contribution_id, choice, role, borough in rows:
        votes.append((participant_id, contribution_id, VOTE_VALUE[VoteChoice(choice)]))
        if participant_id not in attributes:
            attributes[participant_id] = {"role": _role_label(role), "borough": borough or "not given"}
    return AnalysisInput(votes=votes, attributes=attributes)


def _fail_stale(session: Session, *, workshop_id: int) -> None:
    cutoff = utcnow() - STALE_AFTER
    for run in session.exec(
        select(OpinionRun).where(
            OpinionRun.workshop_id == workshop_id, OpinionRun.status == OpinionRunStatus.RUNNING
        )
    ):
        started = run.started_at if run.started_at.tzinfo else run.started_at.replace(tzinfo=cutoff.tzinfo)
        if started < cutoff:
            run.status, run.finished_at = OpinionRunStatus.FAILED, utcnow()
            run.message = "The analysis stopped before it finished (the server may have restarted)."
            session.add(run)


def begin_run(session: Session, *, workshop_id: int, actor_id: int | None) -> OpinionRun:
    """Record that a run has started; refuse while another run of the workshop is still going."""
    _fail_stale(session, workshop_id=workshop_id)
    busy = session.exec(
        select(OpinionRun).where(
            OpinionRun.workshop_id == workshop_id, OpinionRun.status == OpinionRunStatus.RUNNING
        )
    ).first()
    if busy is not None:
        raise Conflict("An opinion analysis of this workshop is already running. Wait for it to finish.")
    previous = latest_run(session, workshop_id=workshop_id, status=OpinionRunStatus.OK)
    run = OpinionRun(
        workshop_id=workshop_id,
        created_by=actor_id,
        previous_run_id=previous.id if previous else None,
        params=_params_dict(opinions.OpinionParams()),
    )
    session.add(run)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="start_opinion_run",
        target_type="opinion_run",
        target_id=run.id,
        after={"workshop_id": workshop_id},
    )
    return run


def _params_dict(params: opinions.OpinionParams) -> dict:
    from dataclasses import asdict

    return asdict(params)


def previous_result(session: Session, *, run: OpinionRun) -> opinions.OpinionResult | None:
    """The result the run warm-starts from: the workshop's last successful run before it."""
    if run.previous_run_id is None:
        return None
    previous = session.get(OpinionRun, run.previous_run_id)
    if previous is None or not previous.result:
        return None
    try:
        return opinions.result_from_dict(previous.result)
    except (KeyError, TypeError, ValueError):
        log.warning("opinion run %s: its stored result cannot be read; starting cold", previous.id)
        return None


def finish_run(session: Session, *, run_id: int, result: opinions.OpinionResult) -> OpinionRun:
    run = session.get(OpinionRun, run_id)
    if run is None:
        raise NotFound("There is no such opinion analysis.")
    run.status = OpinionRunStatus.OK if result.ok else OpinionRunStatus.NOT_ENOUGH_VOTES
    run.message = result.message[:500]
    run.params = _params_dict(result.params)
    run.timings = dict(result.timings)
    run.counts = {
        "participants": result.participants_counted,
        "participants_clustered": result.participants_clustered,
        "statements": result.statements_counted,
        "votes": result.votes_counted,
        "groups": len(result.groups),
    }
    run.result = result.to_dict()
    run.finished_at = utcnow()
    session.add(run)
    return run


def fail_run(session: Session, *, run_id: int, error: str) -> OpinionRun:
    run = session.get(OpinionRun, run_id)
    if run is None:
        raise NotFound("There is no such opinion analysis.")
    run.status, run.finished_at = OpinionRunStatus.FAILED, utcnow()
    run.message = f"The analysis failed: {error}"[:500]
    session.add(run)
    return run


def execute_run(db, *, run_id: int) -> OpinionRun:
    """Analyse the votes of a started run and store the result; a crash is stored as a failed run."""
    try:
        with db.read() as session:
            run = session.get(OpinionRun, run_id)
            if run is None:
                raise NotFound("There is no such opinion analysis.")
            data = analysis_input(session, workshop_id=run.workshop_id)
            previous = previous_result(session, run=run)
        result = opinions.analyse_votes(votes=data.votes, attributes=data.attributes, previous=previous)
        with db.write() as session:
            return finish_run(session, run_id=run_id, result=result)
    except Exception as error:
        log.exception("opinion run %s failed", run_id)
        with db.write() as session:
            return fail_run(session, run_id=run_id, error=str(error) or type(error).__name__)


_background: dict[int, threading.Thread] = {}


def start_run(db, *, workshop_id: int, actor_id: int | None, background: bool = False) -> OpinionRun:
    """Start a run and analyse it now (returns the finished run), or in a thread (returns it running)."""
    with db.write() as session:
        run = begin_run(session, workshop_id=workshop_id, actor_id=actor_id)
    if not background:
        return execute_run(db, run_id=run.id)
    thread = threading.Thread(
        target=execute_run, kwargs={"db": db, "run_id": run.id}, name=f"opinion-run-{run.id}", daemon=True
    )
    _background[run.id] = thread
    thread.start()
    return run


def wait_for_background(timeout: float | None = None) -> None:
    """Wait for every background run started by this process (used by the CLI and the tests)."""
    for run_id, thread in list(_background.items()):
        thread.join(timeout)
        if not thread.is_alive():
            _background.pop(run_id, None)


# --- reading ----------------------------------------------------------------------------------------


def latest_run(
    session: Session, *, workshop_id: int, status: OpinionRunStatus | None = None
) -> OpinionRun | None:
    query = select(OpinionRun).where(OpinionRun.workshop_id == workshop_id)
    if status is not None:
        query = query.where(OpinionRun.status == status)
    return session.exec(query.order_by(col(OpinionRun.id).desc())).first()


def latest_finished(session: Session, *, workshop_id: int) -> OpinionRun | None:
    query = select(OpinionRun).where(
        OpinionRun.workshop_id == workshop_id, OpinionRun.status != OpinionRunStatus.RUNNING
    )
    return session.exec(query.order_by(col(OpinionRun.id).desc())).first()


def recent_runs(session: Session, *, workshop_id: int, limit: int = 10) -> list[OpinionRun]:
    query = select(OpinionRun).where(OpinionRun.workshop_id == workshop_id)
    return list(session.exec(query.order_by(col(OpinionRun.id).desc()).limit(limit)))


def get_run(session: Session, *, workshop_id: int, run_id: int) -> OpinionRun:
    run = session.get(OpinionRun, run_id)
    if run is None or run.workshop_id != workshop_id:
        raise NotFound("There is no such opinion analysis for this workshop.")
    return run


# --- the map ----------------------------------------------------------------------------------------


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


# --- pinning ----------------------------------------------------------------------------------------


def pin_consensus(
    session: Session, *, actor_id: int, run_id: int, contribution_id: int, foundation_id: int
) -> Evidence:
    """Pin a statement of a run's consensus list as a quote in a foundation's evidence."""
    run = session.get(OpinionRun, run_id)
    if run is None or run.status != OpinionRunStatus.OK:
        raise NotFound("There is no such opinion analysis.")
    agreed = {int(c["statement_id"]) for c in run.result.get("consensus", [])}
    if contribution_id not in agreed:
        raise DomainError(
            "Only a statement that every group agrees with can be pinned here.", field="contribution_id"
        )
    already = session.exec(
        select(Evidence).where(
            Evidence.foundation_id == foundation_id,
            Evidence.contribution_id == contribution_id,
            Evidence.kind == EvidenceKind.QUOTE,
        )
    ).first()
    if already is not None:
        raise Conflict("That statement is already evidence for this foundation.")
    return foundations.add_evidence(
        session,
        actor_id=actor_id,
        foundation_id=foundation_id,
        kind=EvidenceKind.QUOTE.value,
        contribution_id=contribution_id,
    )
