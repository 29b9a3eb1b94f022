"""WORKER_IN_PROCESS: one-process set-ups run the theme worker in a thread of the web app; production
turns it off because `crowd worker` runs as its own process (N web workers would otherwise load the
model N times)."""

from __future__ import annotations

import dataclasses
import threading

import pytest
from starlette.testclient import TestClient

from crowd.app import create_app
from crowd.worker import BackgroundWorker


def worker_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "crowd-worker" and t.is_alive()]


@pytest.fixture
def idle_worker(monkeypatch):
    """The in-process worker waits instead of loading the model and polling."""
    monkeypatch.setattr(BackgroundWorker, "_main", lambda self: self.worker.stopping.wait())


@pytest.mark.parametrize(("in_process", "threads"), [(True, 1), (False, 0)])
def test_the_web_app_starts_a_worker_thread_only_when_asked(settings, db, idle_worker, in_process, threads):
    chosen = dataclasses.replace(
        settings, environment="development", embeddings_enabled=True, worker_in_process=in_process
    )
    app = create_app(chosen, migrate=False)
    with TestClient(app) as client:
        assert client.get("/healthz").text == "ok"
        assert len(worker_threads()) == threads
    assert worker_threads() == []  # stopped with the app
    app.state.db.dispose()
