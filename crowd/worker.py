"""The long-lived worker: executes queued theme runs, sends the "new version" mails in rate-limited
batches, and embeds (then assigns) new contributions.

One process (``crowd worker``) keeps the embedding model loaded and numba's compiled UMAP warm, so a run
pays neither again. It polls the database: first for a queued run, then for contributions that need a
vector. In the single-process set-up (development, ``crowd serve``) the app starts the same loop in a
background thread instead. Several workers may run at once: a run is claimed atomically, and an
embedding batch that collides with another worker's is rolled back and retried on the next poll.
"""

from __future__ import annotations

import logging
import threading
import time

from clustering import Embedder
from clustering.reduce import Reducer
from crowd.services import signals
from crowd.services.people import notifications
from crowd.services.themes import curated as themes
from crowd.services.themes import embeddings
from crowd.services.themes import runs as theme_runs

log = logging.getLogger("crowd.worker")


def warm_up_umap() -> float:
    """Compile UMAP's numba code once (about a minute on a small CPU) so the first run does not pay it."""
    import numpy as np

    from clustering.reduce import UmapReducer

    started = time.perf_counter()
    # More than 4,096 points: UMAP switches to approximate neighbours (pynndescent) there, as in a real
    # run, and that path has its own compiled code; few epochs, since only the compiling matters.
    points = np.random.default_rng(0).normal(size=(4200, 16)).astype(np.float32)
    UmapReducer(n_neighbors=10, n_components=5, n_epochs=5).fit_transform(points)
    return time.perf_counter() - started


class Worker:
    def __init__(
        self,
        db,
        *,
        model: Embedder | None = None,
        reducer: Reducer | None = None,
        poll_seconds: float = 2.0,
        name: str | None = None,
        settings=None,  # Settings: with them the worker also sends the "new version" mails
    ) -> None:
        self.db = db
        self.settings = settings
        self._model = model
        self.reducer = reducer
        self.poll_seconds = poll_seconds
        self.name = name or theme_runs.worker_name()
        self.stopping = threading.Event()

    @property
    def model(self) -> Embedder:
        if self._model is None:
            self._model = embeddings.embedder()
        assert self._model is not None
        return self._model

    def run_once(self) -> bool:
        """Do one piece of work: a queued run, else a batch of pending embeddings. True if it did any."""
        theme_runs.fail_abandoned(self.db)
        run_id = theme_runs.claim_next(self.db, worker=self.name)
        if run_id is not None:
            # the model loads only if the run has enough contributions to need it
            run = theme_runs.execute_run(self.db, run_id=run_id, model=self._model, reducer=self.reducer)
            log.info("theme run %s finished: %s %s", run.id, run.status.value, run.message)
            return True
        if self.settings is not None and notifications.send_version_mail(self.db, settings=self.settings):
            return True
        embedded = embeddings.embed_pending(self.db, model=self.model)
        if embedded:
            with self.db.write() as session:
                placed = themes.assign_new(session, contribution_ids=embedded)
            log.info("embedded %d contributions, assigned %d to themes", len(embedded), len(placed))
            return True
        return False

    def run_forever(self) -> None:
        while not self.stopping.is_set():
            try:
                busy = self.run_once()
            except Exception:
                log.exception("worker step failed; retrying after a pause")
                busy = False
            if not busy:
                signals.CONTRIBUTION_POSTED.wait(self.poll_seconds)
                signals.CONTRIBUTION_POSTED.clear()

    def stop(self) -> None:
        self.stopping.set()
        signals.CONTRIBUTION_POSTED.set()


class BackgroundWorker:
    """The worker loop in a daemon thread of the web process (single-process set-up)."""

    def __init__(self, db, **options: object) -> None:
        self.worker = Worker(db, **options)
        self.thread = threading.Thread(target=self._main, name="crowd-worker", daemon=True)

    def _main(self) -> None:
        try:
            self.worker.model  # noqa: B018 - load the model in this thread, not in a request
        except Exception:
            log.exception("the embedding model could not be loaded; themes and similar ideas are off")
            return
        # compile UMAP now, at start-up, so no moderator's first theme run waits for it; in a thread of its
        # own, so new contributions get their vectors (similar ideas, theme placement) meanwhile. A run
        # claimed before it ends waits for the compile (numba's lock) instead of compiling again.
        threading.Thread(target=self._warm_up, name="crowd-umap-warm-up", daemon=True).start()
        self.worker.run_forever()

    @staticmethod
    def _warm_up() -> None:
        try:
            log.info("UMAP compiled in %.0f s", warm_up_umap())
        except Exception:
            log.exception("UMAP could not be warmed up; the first theme run will compile it")

    def start(self) -> BackgroundWorker:
        self.thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self.worker.stop()
        self.thread.join(timeout=timeout)
