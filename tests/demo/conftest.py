"""A demo built once per test session and backend (SQLite, and PostgreSQL when CROWD_TEST_POSTGRES_URL is set),
read by tests that only look; tests that build again use the per-test `db` fixture."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, text

from crowd.db import Database, create_all
from crowd.demo import DemoSummary, build_demo
from tests.conftest import BACKENDS, POSTGRES_URL

SMALL = 40
SEED = 2016


@dataclass
class BuiltDemo:
    db: Database
    summary: DemoSummary
    steps: list[tuple[str, int, int]]


@pytest.fixture(scope="session", params=BACKENDS)
def demo(request, tmp_path_factory) -> Iterator[BuiltDemo]:
    if request.param == "sqlite":
        url, cleanup = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}", None
    else:
        name = f"crowd_demo_{uuid.uuid4().hex[:12]}"
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url, cleanup = f"{POSTGRES_URL.rpartition('/')[0]}/{name}", (admin, name)
    database = Database(url)
    create_all(database.engine)
    steps: list[tuple[str, int, int]] = []
    summary = build_demo(database, participants=SMALL, seed=SEED, progress=lambda *step: steps.append(step))
    yield BuiltDemo(database, summary, steps)
    database.dispose()
    if cleanup:
        admin, name = cleanup
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
