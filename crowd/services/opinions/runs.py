"""Opinion analysis runs of a workshop's votes: start one, analyse it, store it, read it back.

The analysis itself lives in the pure `opinions` package; this module feeds it the workshop's votes
(agree +1, disagree -1, pass 0; withdrawn contributions left out; hidden ones zeroed as Pol.is zeroes
moderated-out comments; erased participants left out) and stores the result as an immutable `OpinionRun`.

A run started from the web is analysed in a background thread, so the request returns at once and the
page polls the run's status (the clustering alone takes about a second even for fifty voters on the
shared two-core machine, and several seconds when it is busy); `crowd opinions run` analyses in the
foreground. The app never clusters while rendering a page: pages only read stored runs.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

import opinions
from crowd.models import (
    CareRole,
    Contribution,
    ContributionStatus,
    OpinionRun,
    OpinionRunStatus,
    Participant,
    Vote,
    VoteChoice,
)
from crowd.models._base import utcnow
from crowd.services import audit
from crowd.services.errors import Conflict, NotFound
from crowd.services.opinions import standings

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=15)
"""A run still marked running after this long was cut off (the server stopped) and counts as failed."""

VOTE_VALUE = {VoteChoice.AGREE: 1, VoteChoice.DISAGREE: -1, VoteChoice.PASS: 0}


# --- running ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnalysisInput:
    votes: list[tuple[int, int, int]]
    attributes: dict[int, dict[str, str]]
    important: dict[int, int] = field(default_factory=dict)
    """Statement id -> how many voters marked it "important to me"."""
    hidden_votes: list[tuple[int, int, int]] = field(default_factory=list)
    """Votes on hidden (moderated-out) contributions: Pol.is counts them towards who is clustered and
    zeroes their columns; they appear in no result."""

    @property
    def hidden_statements(self) -> set[int]:
        return {s for _, s, _ in self.hidden_votes}


def _role_label(value: str | None) -> str:
    if not value:
        return "not given"
    try:
        return CareRole(value).label
    except ValueError:
        return str(value)


def last_vote_ms(session: Session, *, workshop_id: int) -> float | None:
    """When the workshop's newest vote was cast, in ms: the analysis uses Pol.is's method of that day, so
    a conversation imported from Pol.is is grouped as Pol.is grouped it (its method changed on known dates)
    and a live workshop gets today's."""
    latest = session.exec(
        select(func.max(Vote.updated_at))
        .join(Contribution, col(Contribution.id) == Vote.contribution_id)
        .where(Contribution.workshop_id == workshop_id)
    ).one()
    if latest is None:
        return None
    latest = latest if latest.tzinfo else latest.replace(tzinfo=UTC)
    return latest.timestamp() * 1000


def analysis_input(session: Session, *, workshop_id: int) -> AnalysisInput:
    """The workshop's current votes on shown contributions, and each voter's role and borough."""
    rows = session.exec(
        select(
            Vote.participant_id,
            Vote.contribution_id,
            Vote.choice,
            Vote.important,
            Contribution.status,
            Participant.role,
            Participant.borough,
        )
        .join(Contribution, col(Contribution.id) == col(Vote.contribution_id))
        .join(Participant, col(Participant.id) == col(Vote.participant_id))
        .where(
            Contribution.workshop_id == workshop_id,
            col(Contribution.withdrawn_at).is_(None),
            col(Participant.erased_at).is_(None),
        )
        .order_by(col(Vote.id))
    )
    votes: list[tuple[int, int, int]] = []
    attributes: dict[int, dict[str, str]] = {}
    important: dict[int, int] = {}
    hidden: list[tuple[int, int, int]] = []
    for participant_id, contribution_id, choice, marked, status, role, borough in rows:
        if status == ContributionStatus.HIDDEN:
            hidden.append((participant_id, contribution_id, VOTE_VALUE[VoteChoice(choice)]))
            continue
        votes.append((participant_id, contribution_id, VOTE_VALUE[VoteChoice(choice)]))
        if marked:
            important[contribution_id] = important.get(contribution_id, 0) + 1
        if participant_id not in attributes:
            attributes[participant_id] = {"role": _role_label(role), "borough": borough or "not given"}
    return AnalysisInput(votes=votes, attributes=attributes, important=important, hidden_votes=hidden)


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


def finish_run(
    session: Session, *, run_id: int, result: opinions.OpinionResult, statements: dict | None = None
) -> OpinionRun:
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
    run.statements = statements or {}
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
            dated = last_vote_ms(session, workshop_id=run.workshop_id)
        result = opinions.analyse_votes(
            votes=data.votes + data.hidden_votes,
            hidden_statements=data.hidden_statements,
            attributes=data.attributes,
            previous=previous,
            now_ms=dated,
        )
        table = standings.table(votes=data.votes, important=data.important, result=result)
        with db.write() as session:
            return finish_run(session, run_id=run_id, result=result, statements=table)
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
