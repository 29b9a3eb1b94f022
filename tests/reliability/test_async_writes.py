"""`Database.run_write` (the vote's write) runs on the event loop only when SQLite is free at once.

When another process holds SQLite's write lock, the write must wait in a thread, leaving the event loop
to serve everyone else, and still land once the lock is free.
"""

import asyncio
import sqlite3
import time
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
    url = f"sqlite:///{tmp_path / 'crowd.db'}"
    db = Database(url)
    create_all(db.engine)
    other = sqlite3.connect(tmp_path / "crowd.db", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another process is writing
    ticks: list[float] = []

    async def main() -> int:
        loop = asyncio.get_running_loop()
        loop.call_later(0.4, lambda: other.execute("COMMIT"))
        write = asyncio.create_task(db.run_write(_add, email="queued@example.org"))
        while not write.done():
            ticks.append(time.monotonic())
            await asyncio.sleep(0.01)
        return await write

    try:
        new_id = _run(asyncio.wait_for(main(), timeout=20))
    finally:
        other.close()
    gaps = [later - earlier for earlier, later in zip(ticks, ticks[1:], strict=False)]
    assert len(ticks) >= 20 and max(gaps) < 0.2, "the event loop was blocked while the write waited"
    assert ticks[-1] - ticks[0] < 5, "the write did not land soon after the other process committed"
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
