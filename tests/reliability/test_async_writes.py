"""`Database.run_write` (the vote's write) runs on the event loop only when SQLite is free at once.

When another process holds SQLite's write lock, the write must wait in a thread, leaving the event loop
to serve everyone else, and still land once the lock is free.
"""

import asyncio
import sqlite3
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import select

from crowd.db import Database, create_all
from crowd.models import Participant


def _run(coroutine):
    """asyncio.run in a thread of its own: the browser tests' Playwright keeps an event loop running in
    this one when they share the pytest worker."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def _add(session, *, email: str) -> int:
    person = Participant(email=email, display_name="Queued")
    session.add(person)
    session.flush()
    return person.id


def test_a_write_waits_off_the_event_loop_while_another_process_writes(tmp_path):
    """The lock is released by a task on the same event loop, after the write has started waiting: if the
    waiting write held the loop, that task could never run, and the write would fail on SQLite's busy
    timeout instead of landing."""
    url = f"sqlite:///{tmp_path / 'crowd.db'}"
    db = Database(url)
    create_all(db.engine)
    other = sqlite3.connect(tmp_path / "crowd.db", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another process is writing
    steps: list[str] = []

    async def other_process_finishes(write: asyncio.Task) -> None:
        for _ in range(20):  # the loop keeps serving others while the write waits
            await asyncio.sleep(0.01)
            steps.append("served" if not write.done() else "write done")
        other.execute("COMMIT")
        steps.append("committed")

    async def main() -> int:
        write = asyncio.create_task(db.run_write(_add, email="queued@example.org"))
        await asyncio.sleep(0)
        await other_process_finishes(write)
        new_id = await write
        steps.append("write landed")
        return new_id

    try:
        new_id = _run(asyncio.wait_for(main(), timeout=20))
    finally:
        other.close()
    assert steps == ["served"] * 20 + ["committed", "write landed"], "the write ran before the lock was free"
    with db.read() as session:
        stored = session.exec(select(Participant).where(Participant.email == "queued@example.org")).one()
    assert stored.id == new_id
    db.dispose()


def test_a_write_that_fails_changes_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'crowd.db'}"
    db = Database(url)
    create_all(db.engine)

    def add_then_fail(session, *, email: str) -> None:
        _add(session, email=email)
        raise ValueError("refused half way")

    try:
        _run(db.run_write(add_then_fail, email="half@example.org"))
    except ValueError:
        pass
    else:
        raise AssertionError("the error was swallowed")
    _run(db.run_write(_add, email="whole@example.org"))
    with db.read() as session:
        emails = session.exec(select(Participant.email)).all()
    assert emails == ["whole@example.org"]
    db.dispose()
