"""Engines and sessions; SQLite pragmas (WAL, foreign keys, busy timeout).

SQLite lets one writer in at a time. A write that first reads and then writes inside a deferred
transaction can fail with "database is locked" when another writer got in between, so write sessions
on SQLite begin with BEGIN IMMEDIATE (they queue for the write lock up front) while read sessions
stay deferred and never block. Within one process, SQLite writers also queue on a lock first: SQLite's
busy handler retries with sleeps of up to 100 ms, so letting many threads race for the write lock
collapses throughput under load (measured by bench/votes.py: 8 votes/s without the lock).

Async endpoints on the hot path (votes) hand their short write to `run_write`. On SQLite it runs on
the event loop itself when the write lock is free at once, in this process and in others (a separate
engine whose connections do not wait: BEGIN IMMEDIATE fails at once if another process writes);
otherwise, and always on PostgreSQL, in a thread. A thread per vote cost more than the vote: sqlite3
lets go of the GIL around every statement, and each time a busy event loop held on to it for up to
the interpreter's switch interval (5 ms), so threaded votes queued behind one another.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, SQLModel, create_engine
from starlette.concurrency import run_in_threadpool

from crowd import models  # noqa: F401 - registers every table on SQLModel.metadata
from crowd.overload import Busy

T = TypeVar("T")


def make_engine(url: str, *, immediate: bool = False, wait: bool = True, pool_size: int = 40) -> Engine:
    """An engine for URL; on SQLite, `immediate` makes every transaction take the write lock first and
    `wait=False` makes a locked database fail at once instead of retrying for 30 s."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    # A pool as large as the server's thread pool: reads run in parallel, and overflow connections
    # (closed on return, reopened with their pragmas) would churn under load.
    timeout = 30 if wait else 0
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": timeout},
        pool_size=pool_size,
        max_overflow=20,
    )
    begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "foreign_keys=ON",
            f"busy_timeout={timeout * 1000}",
            "synchronous=NORMAL",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        connection.exec_driver_sql(begin)

    return engine


_WRITE_LOCKS: dict[str, threading.RLock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def _write_lock(url: str) -> AbstractContextManager:
    """One in-process lock per SQLite database, so its writers queue in order instead of busy-sleeping."""
    if not url.startswith("sqlite"):
        return nullcontext()
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(url, threading.RLock())


@contextmanager
def _queued(lock: AbstractContextManager, wait: float) -> Iterator[None]:
    if isinstance(lock, nullcontext) or not wait:
        with lock:
            yield
        return
    if not lock.acquire(timeout=wait):  # type: ignore[attr-defined]  # an RLock whenever this runs: the lock is a nullcontext only off SQLite
        raise Busy(f"waited more than {wait:g} s for the database's write lock")
    try:
        yield
    finally:
        lock.release()  # type: ignore[attr-defined]  # an RLock whenever this runs: the lock is a nullcontext only off SQLite


class Database:
    """The app's engines: `read()` sessions for pages, `write()` sessions for changes."""

    def __init__(self, url: str, *, write_wait: float = 0) -> None:
        self.url = url
        self.write_wait = write_wait  # seconds a write may queue for SQLite's write lock (0: no limit)
        self.engine = make_engine(url)
        self.write_engine = make_engine(url, immediate=True) if url.startswith("sqlite") else self.engine
        sqlite = url.startswith("sqlite")
        self.nowait_engine = make_engine(url, immediate=True, wait=False, pool_size=2) if sqlite else None

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on any error. On SQLite it first queues for
        the write lock, for at most `write_wait` seconds (then `Busy`: nothing was written)."""
        with (
            _queued(_write_lock(self.url), self.write_wait),
            Session(self.write_engine, expire_on_commit=False) as session,
        ):
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    async def run_write(self, work: Callable[..., T], /, **kwargs: Any) -> T:
        """`work(session, **kwargs)` in a write session, awaited from async code; for short writes only.

        On SQLite it runs on the event loop when no other writer holds the database (see the module
        notes); otherwise in a thread, queueing for the write lock as `write()` does.
        """
        lock: Any = _write_lock(self.url)  # an RLock whenever nowait_engine is set (SQLite only)
        if self.nowait_engine is not None and lock.acquire(blocking=False):
            try:
                session = Session(self.nowait_engine, expire_on_commit=False)
                try:
                    session.connection()  # BEGIN IMMEDIATE: fails at once if another process writes
                except OperationalError:
                    session.close()
                else:
                    with session:
                        try:
                            result = work(session, **kwargs)
                            session.commit()
                            return result
                        except BaseException:
                            session.rollback()
                            raise
            finally:
                lock.release()
        return await run_in_threadpool(self._write_with, work, kwargs)

    def _write_with(self, work: Callable[..., T], kwargs: dict[str, Any]) -> T:
        with self.write() as session:
            return work(session, **kwargs)

    def migrate(self) -> None:
        migrate(self.write_engine)

    def dispose(self) -> None:
        self.engine.dispose()
        if self.nowait_engine is not None:
            self.nowait_engine.dispose()
        if self.write_engine is not self.engine:
            self.write_engine.dispose()


def alembic_config():
    from alembic.config import Config

    here = Path(__file__).parent
    config = Config(str(here / "alembic.ini"))
    config.set_main_option("script_location", str(here / "migrations"))
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def create_all(engine: Engine) -> None:
    """Create every table directly (fast test set-up); the app itself uses `migrate`."""
    SQLModel.metadata.create_all(engine)
