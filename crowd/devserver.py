"""A crowd web server in a child process, on a database of its own: for the browser tests, the fault
tests and the benchmarks, which all need a real server over real HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import inspect
from sqlmodel import SQLModel

from crowd.db import Database, create_all

ROOT = Path(__file__).resolve().parents[1]
UVICORN = [
    sys.executable,
    "-m",
    "uvicorn",
    "crowd.app:from_env",
    "--factory",
    "--no-proxy-headers",
    "--host",
    "127.0.0.1",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stale_columns(database: Database) -> list[str]:
    """Columns the models have that the migrated schema lacks (the migration is regenerated at release)."""
    inspector = inspect(database.engine)
    missing = []
    for table in SQLModel.metadata.sorted_tables:
        if inspector.has_table(table.name):
            have = {c["name"] for c in inspector.get_columns(table.name)}
            missing += [f"{table.name}.{c.name}" for c in table.columns if c.name not in have]
    return missing


def prepare_database(database_url: str, path: Path) -> None:
    """Migrate a fresh SQLite file as `crowd` does; if the migration lags the models, build from them."""
    database = Database(database_url)
    database.migrate()
    create_all(database.engine)  # tables added since the migration was last generated
    stale = stale_columns(database)
    database.dispose()
    if stale:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        database = Database(database_url)
        create_all(database.engine)
        database.dispose()


def launch(
    env: dict[str, str],
    *,
    port: int,
    log_path: Path,
    command: list[str] | None = None,
    timeout: float = 60,
) -> subprocess.Popen:
    """Start `command` (uvicorn on crowd.app:from_env at `port` by default) with `env` over this process's
    environment, output appended to `log_path`, and return once /healthz answers 200."""
    command = command or [*UVICORN, "--port", str(port)]
    with log_path.open("ab") as log:
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}/healthz"
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait(timeout=10)
            raise RuntimeError(f"the server did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.2)
