"""Signals between services and the worker: "a contribution was posted" (so posting needs no ML import)."""

from __future__ import annotations

import threading

from sqlalchemy import event
from sqlmodel import Session

CONTRIBUTION_POSTED = (
    threading.Event()
)  # set after a commit that added a contribution; the worker waits on it


def contribution_posted(session: Session) -> None:
    """Called by services that add a contribution: set CONTRIBUTION_POSTED once the transaction commits."""
    if session.info.get("crowd_wake_worker"):
        return
    session.info["crowd_wake_worker"] = True

    def wake(_session: Session) -> None:
        _session.info.pop("crowd_wake_worker", None)
        CONTRIBUTION_POSTED.set()

    event.listen(session, "after_commit", wake, once=True)
