"""Theme runs: queue one, let a worker claim and execute it, record progress, keep it as a snapshot.

The web app only queues runs and reads them. A worker (``crowd worker``, the app's in-process thread in
development, or ``crowd themes run``) executes them: embed what is missing, run the pipeline on stored
vectors, then write the snapshot and align the curated themes in ONE transaction at the very end. A run
that fails or is killed before that transaction leaves every earlier snapshot and curated theme untouched.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict
from datetime import timedelta

import numpy as np
from sqlalchemy import update
from sqlmodel import Session, col, select

from clustering import Embedder, Pipeline, PipelineParams, RunResult, RunStatus
from clustering.reduce import Reducer
from clustering.textprep import is_usable
from crowd.models import Contribution, RunState, ThemeRun, Workshop
from crowd.models._base import utcnow
from crowd.services import audit
from crowd.services.errors import Conflict, DomainError, NotFound
from crowd.services.themes import curated as themes
from crowd.services.themes import embeddings
from crowd.services.workshop.contributions import shown_clause

ACTIVE_STATES = (RunState.QUEUED, RunState.RUNNING)
HEARTBEAT_SECONDS = 10
STALE_AFTER = timedelta(minutes=3)  # a running run whose worker has not beaten for this long has died

# share of the progress bar each stage takes
EMBED_SHARE, PIPELINE_SHARE = 30, 65  # then 5 for saving and aligning

ProgressReport = Callable[[int, str], None]  # (percent 0-100, step text)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# ---------------------------------------------------------------- queueing and reading


def parse_params(*, min_cluster_size: str = "") -> dict[str, object]:
    """The options a moderator may set on the form; blank means automatic."""
    raw = (min_cluster_size or "").strip()
    if not raw:
        return {}
    try:
        value = int(raw)
    except ValueError:
        raise DomainError(
            "Smallest theme size must be a whole number, or blank.", field="min_cluster_size"
        ) from None
    if not 2 <= value <= 500:
        raise DomainError("Smallest theme size must be between 2 and 500.", field="min_cluster_size")
    return {"min_cluster_size": value}


def active_run(session: Session, *, workshop_id: int) -> ThemeRun | None:
    return session.exec(
        select(ThemeRun)
        .where(ThemeRun.workshop_id == workshop_id, col(ThemeRun.status).in_(ACTIVE_STATES))
        .order_by(col(ThemeRun.id))
    ).first()


def start_run(
    session: Session, *, workshop_id: int, actor_id: int | None, params: dict[str, object] | None = None
) -> ThemeRun:
    """Queue a run for the workshop; refused while another run of it is queued or running."""
    if session.get(Workshop, workshop_id) is None:
        raise NotFound("That workshop does not exist.")
    # take the workshop row's lock (PostgreSQL) so two moderators cannot queue two runs at once;
    # SQLite write sessions already hold the database's write lock
    session.exec(update(Workshop).where(col(Workshop.id) == workshop_id).values(title=Workshop.title))
    running = active_run(session, workshop_id=workshop_id)
    if running is not None:
        raise Conflict(
            f"A theme run for this workshop is already {running.status.value} (run {running.id}). "
            "Wait for it to finish."
        )
    run = ThemeRun(workshop_id=workshop_id, requested_by_id=actor_id, params=dict(params or {}))
    session.add(run)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="theme_run.start",
        target_type="theme_run",
        target_id=run.id,
        after={"workshop_id": workshop_id, "params": run.params},
    )
    return run


def get_run(session: Session, run_id: int, *, workshop_id: int | None = None) -> ThemeRun:
    run = session.get(ThemeRun, run_id)
    if run is None or (workshop_id is not None and run.workshop_id != workshop_id):
        raise NotFound("That theme run does not exist.")
    return run


def list_runs(session: Session, *, workshop_id: int, limit: int = 50) -> list[ThemeRun]:
    return list(
        session.exec(
            select(ThemeRun)
            .where(ThemeRun.workshop_id == workshop_id)
            .order_by(col(ThemeRun.id).desc())
            .limit(limit)
        )
    )


# ---------------------------------------------------------------- the worker's side


def _take(session: Session, run_id: int, worker: str | None) -> bool:
    now = utcnow()
    taken = session.exec(
        update(ThemeRun)
        .where(col(ThemeRun.id) == run_id, col(ThemeRun.status) == RunState.QUEUED)
        .values(
            status=RunState.RUNNING,
            started_at=now,
            heartbeat_at=now,
            worker=(worker or worker_name())[:120],
            step="Starting",
            progress=0,
        )
    )
    return taken.rowcount == 1


def claim(db, *, run_id: int, worker: str | None = None) -> bool:
    """Atomically take this queued run; False when another worker already has it."""
    with db.write() as session:
        return _take(session, run_id, worker)


def claim_next(db, *, worker: str | None = None) -> int | None:
    """Atomically take the oldest queued run (several workers may poll); its id, or None."""
    with db.write() as session:
        queued = session.exec(
            select(ThemeRun.id).where(ThemeRun.status == RunState.QUEUED).order_by(col(ThemeRun.id))
        ).all()
        for run_id in queued:
            if _take(session, run_id, worker):
                return run_id
    return None


def wait_for(db, *, run_id: int, on_progress: ProgressReport | None = None, poll: float = 1.0) -> ThemeRun:
    """Follow a run another worker is executing until it finishes."""
    while True:
        with db.read() as session:
            run = get_run(session, run_id)
        if on_progress:
            on_progress(run.progress, run.step)
        if run.finished:
            return run
        time.sleep(poll)


def fail_abandoned(db, *, now=None) -> list[int]:
    """Mark failed the running runs whose worker died (its process is gone, or it stopped beating)."""
    now = now or utcnow()
    host = socket.gethostname()
    failed = []
    with db.write() as session:
        for run in session.exec(select(ThemeRun).where(ThemeRun.status == RunState.RUNNING)):
            beat = run.heartbeat_at or run.started_at or run.created_at
            if beat is not None and beat.tzinfo is None:
                beat = beat.replace(tzinfo=now.tzinfo)
            run_host, _, pid = run.worker.rpartition(":")
            dead = run_host == host and pid.isdigit() and not _alive(int(pid))
            if dead or beat is None or now - beat > STALE_AFTER:
                run.status = RunState.FAILED
                run.finished_at = now
                run.error = "The worker running this theme run stopped before it finished."
                run.message = "Failed: the worker stopped. The previous themes are unchanged."
                session.add(run)
                failed.append(run.id)
    return failed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _set_progress(db, run_id: int, percent: int, step: str) -> None:
    with db.write() as session:
        session.exec(
            update(ThemeRun)
            .where(col(ThemeRun.id) == run_id, col(ThemeRun.status) == RunState.RUNNING)
            .values(progress=max(0, min(100, percent)), step=step[:120], heartbeat_at=utcnow())
        )


class _Heartbeat:
    """Beats while a long step (UMAP) runs without reporting, so the run is not taken for dead."""

    def __init__(self, db, run_id: int) -> None:
        self.db, self.run_id = db, run_id
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"crowd-run-{run_id}-heartbeat", daemon=True)

    def _beat(self) -> None:
        while not self.stop.wait(HEARTBEAT_SECONDS):
            try:
                with self.db.write() as session:
                    session.exec(
                        update(ThemeRun).where(col(ThemeRun.id) == self.run_id).values(heartbeat_at=utcnow())
                    )
            except Exception:  # noqa: BLE001, S112 - a missed beat is harmless; the next one retries
                continue

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=5)


STAGE_TEXT = {
    "embed": "Embedding",
    "reduce": "Reducing dimensions (UMAP)",
    "cluster": "Clustering (HDBSCAN)",
    "represent": "Describing themes",
    "done": "Pipeline finished",
}


def execute_run(
    db,
    *,
    run_id: int,
    model: Embedder | None = None,
    reducer: Reducer | None = None,
    on_progress: ProgressReport | None = None,
) -> ThemeRun:
    """Execute a claimed (running) run to its end and return it, finished. Never raises for a failed run:
    the failure is recorded on the run, and the curated themes are left as they were."""
    started = time.perf_counter()

    def report(percent: int, step: str) -> None:
        _set_progress(db, run_id, percent, step)
        if on_progress:
            on_progress(percent, step)

    try:
        with _Heartbeat(db, run_id):
            result, timings, inputs = _compute(db, run_id=run_id, model=model, reducer=reducer, report=report)
            report(EMBED_SHARE + PIPELINE_SHARE, "Saving the run and aligning curated themes")
            t = time.perf_counter()
            with db.write() as session:
                run = session.get(ThemeRun, run_id)
                assert run is not None
                if run.status != RunState.RUNNING:
                    raise RuntimeError(f"run {run_id} is {run.status.value}, no longer running")
                _finish(session, run=run, result=result, timings=timings, inputs=inputs)
                done = time.perf_counter()
                run.timings = {**run.timings, "save": round(done - t, 3), "total": round(done - started, 3)}
                session.add(run)
    except Exception as exc:  # noqa: BLE001 - recorded on the run; nothing curated was changed
        _record_failure(db, run_id=run_id, error=exc)
    if on_progress:
        on_progress(100, "Finished")
    with db.read() as session:
        return get_run(session, run_id)


def _record_failure(db, *, run_id: int, error: BaseException) -> None:
    with db.write() as session:
        run = session.get(ThemeRun, run_id)
        if run is None or run.finished:
            return
        run.status = RunState.FAILED
        run.finished_at = utcnow()
        run.message = f"Failed: {error}"[:500]
        run.error = "".join(traceback.format_exception(error))[-8000:]
        session.add(run)


class _Inputs:
    """What a run read: the ids it saw, and the vectors of its themes' members (for scores)."""

    def __init__(self, ids: list[int], vectors: dict[int, np.ndarray]) -> None:
        self.ids = ids
        self.vectors = vectors


def _compute(
    db, *, run_id: int, model: Embedder | None, reducer: Reducer | None, report: ProgressReport
) -> tuple[RunResult, dict[str, float], _Inputs]:
    with db.read() as session:
        run = get_run(session, run_id)
        rows = list(
            session.exec(
                select(Contribution.id, Contribution.text, Contribution.support, Contribution.author_id)
                .where(Contribution.workshop_id == run.workshop_id, shown_clause())
                .order_by(col(Contribution.id))
            )
        )
        requested = dict(run.params or {})
    params = PipelineParams(
        **{k: v for k, v in requested.items() if k in PipelineParams.__dataclass_fields__}
    )
    timings: dict[str, float] = {}
    ids = [r[0] for r in rows]
    texts = [r[1] for r in rows]
    support = [float(r[2] or 0.0) for r in rows]
    authors = [str(r[3]) if r[3] is not None else None for r in rows]  # names and quotes count people
    usable = sum(1 for t in texts if is_usable(t))
    if usable < params.min_contributions:  # nothing to embed: the pipeline answers "not enough" at once
        result = Pipeline(params=params).run(texts=texts, ids=[str(i) for i in ids])
        return result, timings, _Inputs(ids, {})

    report(1, "Loading the embedding model")
    model = model or embeddings.embedder()
    assert model is not None
    t = time.perf_counter()

    def embed_progress(done: int, total: int) -> None:
        report(
            1 + int((EMBED_SHARE - 1) * done / max(total, 1)),
            f"Embedding new contributions ({done} of {total})",
        )

    fresh = embeddings.embed_pending(db, model=model, workshop_id=run.workshop_id, progress=embed_progress)
    timings["embed_new"] = time.perf_counter() - t
    timings["embedded_now"] = float(len(fresh))
    with db.read() as session:
        stored = embeddings.vectors_of(session, contribution_ids=ids, model=model.name)
    keep = [i for i, cid in enumerate(ids) if cid in stored]  # a contribution posted meanwhile waits
    ids = [ids[i] for i in keep]
    texts, support = [texts[i] for i in keep], [support[i] for i in keep]
    authors = [authors[i] for i in keep]
    matrix = np.stack([stored[cid] for cid in ids]) if ids else np.zeros((0, 384), dtype=np.float32)

    def stage(name: str, fraction: float) -> None:
        report(EMBED_SHARE + int(PIPELINE_SHARE * fraction), STAGE_TEXT.get(name, name))

    # the vectors are given; the embedder names themes, its phrase vectors kept for the next run
    pipeline = Pipeline(embedder=embeddings.for_naming(model), reducer=reducer, params=params)
    result = pipeline.run(
        texts=texts,
        ids=[str(i) for i in ids],
        support=support,
        vectors=matrix,
        progress=stage,
        authors=authors,
    )
    if result.status is RunStatus.OK:
        result.params = {**result.params, **({"reducer": type(reducer).__name__} if reducer else {})}
    return result, timings, _Inputs(ids, dict(zip(ids, matrix, strict=True)))


def _finish(
    session: Session, *, run: ThemeRun, result: RunResult, timings: dict[str, float], inputs: _Inputs
) -> None:
    run.params = {**_jsonable(result.params), "requested": run.params}
    run.model_name = result.model_name[:120]
    run.finished_at = utcnow()
    run.progress = 100
    merged = {**{k: float(v) for k, v in result.timings.items()}, **timings}
    run.timings = {k: round(v, 3) for k, v in merged.items()}
    if result.status is RunStatus.NOT_ENOUGH_CONTRIBUTIONS:
        run.status = RunState.NOT_ENOUGH
        run.step = "Not enough contributions"
        run.message = result.message[:500]
        run.counts = {"contributions": result.n_contributions, "themes": 0, "noise": 0}
        session.add(run)
        return
    counts = themes.apply_run(session, run=run, result=result, vectors=inputs.vectors)
    run.status = RunState.SUCCEEDED
    run.step = "Finished"
    run.message = result.message[:500]
    run.counts = counts
    run.unthemed_ids = [int(i) for i in result.unthemed_ids]
    session.add(run)


def _jsonable(values: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in values.items():
        if isinstance(value, np.generic):
            value = value.item()
        if not isinstance(value, str | int | float | bool | type(None)):
            value = str(value)
        out[key] = value
    return out


def default_params() -> dict[str, object]:
    return asdict(PipelineParams())
