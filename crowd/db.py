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

import asyncio
import threading
import time
from collections import namedtuple
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast

from sqlalchemy import event
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.exc import DBAPIError, InvalidatePoolError, OperationalError
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlmodel import Session, SQLModel, create_engine
from starlette.concurrency import run_in_threadpool

from crowd import models  # noqa: F401 - registers every table on SQLModel.metadata
from crowd.overload import Busy

T = TypeVar("T")


class Statements(Protocol):
    """Where a short write runs its Core statements: `OnConnection` (a Session's or Connection's
    transaction) or `Lean` (a DBAPI connection's, from `Database.run_lean`)."""

    dialect: Dialect

    def first(self, statement: ClauseElement, params: Mapping[str, Any]) -> Any: ...

    def execute(self, statement: ClauseElement, params: Mapping[str, Any]) -> None: ...


class OnConnection:
    """`Statements` on a SQLAlchemy connection, e.g. `session.connection()`: SQLAlchemy runs each one."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.dialect = connection.dialect

    def first(self, statement: ClauseElement, params: Mapping[str, Any]) -> Any:
        return self.connection.execute(statement, params).first()  # type: ignore[call-overload]  # any Core statement; the Protocol cannot name SQLAlchemy's overloads

    def execute(self, statement: ClauseElement, params: Mapping[str, Any]) -> None:
        self.connection.execute(statement, params)  # type: ignore[call-overload]  # as above


class _Plan:
    """A Core statement compiled once for a dialect: its SQL, where each parameter comes from (the
    caller's values or the statement's own literals) with its type's conversion, and the result row's
    columns with theirs (enums, timestamps), as SQLAlchemy itself would convert them."""

    def __init__(self, statement: ClauseElement, dialect: Dialect, keys: tuple[str, ...]) -> None:
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect, column_keys=list(keys)))
        literals = compiled.construct_params({}, _check=False)
        names = compiled.positiontup or list(dict.fromkeys(compiled.bind_names.values()))
        self.sql = compiled.string
        self.positional = compiled.positiontup is not None
        self.slots = []
        for name in names:
            bind = compiled.binds[name]
            given = name in keys
            if not given and literals.get(name) is None:
                raise ValueError(f"no value for {name!r}: give every column the statement writes")
            convert = bind.type.dialect_impl(dialect).bind_processor(dialect)
            self.slots.append((name, given, None if given else literals[name], convert))
        columns = list(getattr(statement, "selected_columns", ()))
        self.row = namedtuple("Row", [c.key for c in columns]) if columns else None  # type: ignore[misc]  # column names known only at run time
        self.converts = [c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns]

    def parameters(self, params: Mapping[str, Any]) -> tuple | dict:
        values = []
        for name, given, literal, convert in self.slots:
            value = params[name] if given else literal
            values.append(convert(value) if convert is not None and value is not None else value)
        if self.positional:
            return tuple(values)
        return {slot[0]: value for slot, value in zip(self.slots, values, strict=True)}

    def result(self, raw: tuple) -> tuple:
        assert self.row is not None
        return self.row(
            *(
                v if convert is None or v is None else convert(v)
                for convert, v in zip(self.converts, raw, strict=True)
            )
        )


_PLANS: dict[tuple, _Plan] = {}


class Lean:
    """`Statements` run straight on a DBAPI cursor, in the transaction `Database.run_lean` holds.

    Each statement is compiled once per dialect and set of parameter names (`_Plan`); running it then
    skips SQLAlchemy's per-execution work (execution context, events, result objects), about six times
    cheaper than the same statements through a Session. No ORM event fires: the page and signed-in
    caches do not hear of these writes, so use it only for rows those caches never hold (votes: pages
    read vote counts fresh). An INSERT must give every column that has a Python-side default.
    """

    def __init__(self, dbapi_connection: Any, dialect: Dialect) -> None:
        self.dialect = dialect
        self._cursor = dbapi_connection.cursor()

    def _plan(self, statement: ClauseElement, params: Mapping[str, Any]) -> _Plan:
        key = (self.dialect.name, statement, tuple(params))
        plan = _PLANS.get(key)
        if plan is None:
            plan = _PLANS[key] = _Plan(statement, self.dialect, tuple(params))
        return plan

    def first(self, statement: ClauseElement, params: Mapping[str, Any]) -> Any:
        plan = self._plan(statement, params)
        self._cursor.execute(plan.sql, plan.parameters(params))
        raw = self._cursor.fetchone()
        return None if raw is None else plan.result(raw)

    def execute(self, statement: ClauseElement, params: Mapping[str, Any]) -> None:
        plan = self._plan(statement, params)
        self._cursor.execute(plan.sql, plan.parameters(params))


def make_engine(url: str, *, immediate: bool = False, wait: bool = True, pool_size: int = 40) -> Engine:
    """An engine for URL; on SQLite, `immediate` makes every transaction take the write lock first and
    `wait=False` makes a locked database fail at once instead of retrying for 30 s."""
    if not url.startswith("sqlite"):
        return _ping_when_idle(create_engine(url, pool_size=10, max_overflow=20))
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


PING_IDLE_SECONDS = 2.0
CHECKPOINT_EVERY = 200  # run_lean commits on the event loop between WAL checkpoints (a vote: ~4 pages)


def _ping_when_idle(engine: Engine) -> Engine:
    """Check a pooled connection with a ping before use only when it has been idle PING_IDLE_SECONDS.

    SQLAlchemy's pool_pre_ping pings on every checkout: a round trip to PostgreSQL before every
    request, a fifth of a sign-in's wall time in a profile. A connection in steady use needs none: if the
    server went away meanwhile, the statement fails (a 503 page) and SQLAlchemy drops the pool's older
    connections. One that sat idle (a quiet night, a database restart) is pinged; a failed ping drops
    the pool's older connections and the checkout reconnects, so the request still succeeds.
    """

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < PING_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise InvalidatePoolError(f"a pooled connection failed its ping: {error}") from error

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
        self._held: Any = None  # run_lean's SQLite connection on the event loop, opened on first use
        self._loop_commits = 0
        self.checkpointing: asyncio.Future | None = None  # the WAL checkpoint under way in a thread

    def first_row(self, statement: ClauseElement, params: Mapping[str, Any]) -> tuple | None:
        """One read-only statement's first row, outside any transaction: on PostgreSQL in autocommit,
        without the BEGIN and ROLLBACK round trips a read session adds (the signed-in person's row check,
        crowd/user_cache.py, runs on nearly every request of a busy server). The statement runs as a
        `Lean` one, compiled once, on a pooled DBAPI connection: through SQLAlchemy's Connection it cost
        a fifth of an idea page's CPU on PostgreSQL (the result set-up reads every column's description).
        The values are converted as SQLAlchemy converts them; a database error comes out as SQLAlchemy's."""
        engine = self.engine
        dialect = engine.dialect
        pooled = engine.raw_connection()
        postgres = dialect.name == "postgresql"
        try:
            if postgres:
                pooled.driver_connection.autocommit = True  # type: ignore[union-attr]  # psycopg's connection
            try:
                found = Lean(pooled, dialect).first(statement, params)
            finally:
                if postgres:
                    pooled.driver_connection.autocommit = False  # type: ignore[union-attr]  # back transactional
        except dialect.loaded_dbapi.Error as error:
            broken = dialect.is_disconnect(error, pooled.dbapi_connection, None)
            if broken:
                pooled.invalidate(error)  # the pool opens a fresh one in its place
            raise _wrapped(error, dialect, invalidated=broken) from error
        finally:
            pooled.close()  # back to the pool (which rolls back whatever a failed read left open)
        return tuple(found) if found is not None else None

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

    async def run_lean(self, work: Callable[..., T], /, **kwargs: Any) -> T:
        """`work(statements, **kwargs)` in one transaction on a DBAPI connection (`Lean`), awaited from
        async code: committed whole or rolled back whole. For the hottest short writes only (a vote).

        On SQLite it runs on the event loop, on a connection kept for it, when no other writer holds the
        database (as `run_write`); otherwise, and always on PostgreSQL, in a thread on a pooled
        connection, queueing for the write lock as `write()` does. Database errors come out as
        SQLAlchemy's (OperationalError: a 503 page), never half a transaction.
        """
        lock: Any = _write_lock(self.url)  # an RLock whenever nowait_engine is set (SQLite only)
        if self.nowait_engine is not None and lock.acquire(blocking=False):
            try:
                connection = self._loop_connection()
                dialect = self.nowait_engine.dialect
                try:
                    connection.execute("BEGIN IMMEDIATE")  # fails at once if another process writes
                except dialect.loaded_dbapi.OperationalError:
                    pass
                else:
                    result = self._lean_transaction(connection, dialect, work, kwargs, held=True)
                    self._loop_commits += 1
                    if self._loop_commits % CHECKPOINT_EVERY == 0 and self.checkpointing is None:
                        self.checkpointing = asyncio.get_running_loop().run_in_executor(
                            None, self._checkpoint
                        )
                    return result
            finally:
                lock.release()
        return await run_in_threadpool(self._lean_in_thread, work, kwargs)

    def _loop_connection(self) -> Any:
        """The SQLite connection `run_lean` uses on the event loop (only ever under the write lock).

        Its commits never checkpoint the WAL themselves (`wal_autocheckpoint=0`): a checkpoint writes
        the WAL back into the database file and syncs it, which blocked the loop, and every request on
        it, for up to 322 ms in 20,000 votes. Every CHECKPOINT_EVERY commits a thread checkpoints instead."""
        if self._held is None:
            assert self.nowait_engine is not None
            self._held = self.nowait_engine.raw_connection()
            self._held.driver_connection.execute("PRAGMA wal_autocheckpoint=0")
        return self._held.driver_connection

    def _checkpoint(self) -> None:
        """A passive checkpoint in a thread (it never waits for readers or writers)."""
        try:
            pooled = self.engine.raw_connection()  # autocommit at the DBAPI level: no transaction open
            try:
                pooled.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)")
            finally:
                pooled.close()
        finally:
            self.checkpointing = None

    def _lean_in_thread(self, work: Callable[..., T], kwargs: dict[str, Any]) -> T:
        engine = self.write_engine
        with _queued(_write_lock(self.url), self.write_wait):
            pooled = engine.raw_connection()
            try:
                if engine.dialect.name == "sqlite":
                    try:
                        pooled.cursor().execute("BEGIN IMMEDIATE")  # waits up to the busy timeout
                    except engine.dialect.loaded_dbapi.Error as error:
                        raise _wrapped(error, engine.dialect) from error
                return self._lean_transaction(pooled, engine.dialect, work, kwargs, held=False)
            finally:
                pooled.close()  # back to the pool

    def _lean_transaction(
        self, connection: Any, dialect: Dialect, work: Callable[..., T], kwargs: dict[str, Any], *, held: bool
    ) -> T:
        """Run `work` and commit; on any error roll back (a connection that is broken or cannot roll
        back is thrown away, never used again) and raise it, a database error as SQLAlchemy's."""
        try:
            result = work(Lean(connection, dialect), **kwargs)
            connection.commit()
            return result
        except BaseException as error:
            database_error = isinstance(error, dialect.loaded_dbapi.Error)
            raw = getattr(connection, "dbapi_connection", connection)
            broken = database_error and dialect.is_disconnect(error, raw, None)
            if not broken:
                try:
                    connection.rollback()
                except Exception:
                    broken = True
            if broken:
                self._discard(connection, held=held, error=error)
            if database_error:
                raise _wrapped(error, dialect, invalidated=broken) from error
            raise

    def _discard(self, connection: Any, *, held: bool, error: BaseException) -> None:
        if held:
            if self._held is not None:
                self._held.invalidate(error)
                self._held = None
        else:
            connection.invalidate(error)  # the pool opens a fresh one in its place

    def migrate(self) -> None:
        migrate(self.write_engine)

    def dispose(self) -> None:
        if self._held is not None:
            self._held.close()
            self._held = None
        self.engine.dispose()
        if self.nowait_engine is not None:
            self.nowait_engine.dispose()
        if self.write_engine is not self.engine:
            self.write_engine.dispose()


def _wrapped(error: Exception, dialect: Dialect, *, invalidated: bool = False) -> DBAPIError:
    """A DBAPI error as SQLAlchemy raises it (OperationalError, IntegrityError, DataError...), so the
    app's error pages treat a lean write's failure as any other."""
    return DBAPIError.instance(
        None, None, error, dialect.loaded_dbapi.Error, dialect=dialect, connection_invalidated=invalidated
    )


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
