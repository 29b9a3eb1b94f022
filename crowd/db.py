"""Engines and sessions; SQLite pragmas (WAL, foreign keys, busy timeout).

SQLite lets one writer in at a time. A write that first reads and then writes inside a deferred
transaction can fail with "database is locked" when another writer got in between, so write sessions
on SQLite begin with BEGIN IMMEDIATE (they queue for the write lock up front) while read sessions
stay deferred and never block. Within one process, SQLite writers also queue on a lock first: SQLite's
busy handler retries with sleeps of up to 100 ms, so letting many threads race for the write lock
collapses throughput under load (measured by bench/votes.py: 8 votes/s without the lock).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine

from crowd import models  # noqa: F401 - registers every table on SQLModel.metadata


def make_engine(url: str, *, immediate: bool = False) -> Engine:
    """An engine for URL; on SQLite, `immediate` makes every transaction take the write lock first."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    # A pool as large as the server's thread pool: reads run in parallel, and overflow connections
    # (closed on return, reopened with their pragmas) would churn under load.
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=40, max_overflow=20
    )
    begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=30000", "synchronous=NORMAL"):
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


class Database:
    """The app's engines: `read()` sessions for pages, `write()` sessions for changes."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.write_engine = make_engine(url, immediate=True) if url.startswith("sqlite") else self.engine

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on any error."""
        with _write_lock(self.url), Session(self.write_engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def migrate(self) -> None:
        migrate(self.write_engine)

    def dispose(self) -> None:
        self.engine.dispose()
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
