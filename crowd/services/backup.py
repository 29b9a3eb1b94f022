"""Backup and restore: every table to gzipped JSON lines, portable between SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import DateTime, func, insert, select, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

FORMAT = "crowd-backup-1"


def _encode(value):
    if isinstance(value, datetime | date):
        return {"$dt": value.isoformat()}
    if isinstance(value, bytes):
        return {"$b64": base64.b64encode(value).decode()}
    return value


def _decode(value, column):
    if isinstance(value, dict) and "$dt" in value:
        return datetime.fromisoformat(value["$dt"])
    if isinstance(value, dict) and "$b64" in value:
        return base64.b64decode(value["$b64"])
    if isinstance(column.type, DateTime) and isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


def backup(engine: Engine, path: Path, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Write every table's rows to PATH; returns the row count per table."""
    counts: dict[str, int] = {}
    with gzip.open(path, "wt", encoding="utf-8") as out, engine.connect() as connection:
        out.write(json.dumps({"format": FORMAT}) + "\n")
        for table in SQLModel.metadata.sorted_tables:
            n = 0
            for row in connection.execute(select(table)).mappings():
                record = {key: _encode(value) for key, value in row.items()}
                out.write(json.dumps({"t": table.name, "r": record}, default=str) + "\n")
                n += 1
            counts[table.name] = n
            if progress:
                progress(table.name, n)
    return counts


def restore(engine: Engine, path: Path) -> dict[str, int]:
    """Load a backup into an empty, migrated database; refuses a database that already holds data."""
    tables = {t.name: t for t in SQLModel.metadata.sorted_tables}
    counts: dict[str, int] = dict.fromkeys(tables, 0)
    with engine.begin() as connection:
        for table in tables.values():
            if connection.execute(select(func.count()).select_from(table)).scalar():
                raise ValueError(
                    f"The database is not empty (table {table.name} has rows): restore into a new one."
                )
        batch: dict[str, list[dict]] = {}
        with gzip.open(path, "rt", encoding="utf-8") as source:
            header = json.loads(source.readline() or "{}")
            if header.get("format") != FORMAT:
                raise ValueError("This file is not a crowd backup.")
            for line in source:
                item = json.loads(line)
                table = tables[item["t"]]
                row = {k: _decode(v, table.c[k]) for k, v in item["r"].items() if k in table.c}
                batch.setdefault(table.name, []).append(row)
                counts[table.name] += 1
        for name, table in tables.items():
            if batch.get(name):
                connection.execute(insert(table), batch[name])
        if connection.dialect.name == "postgresql":
            for name, table in tables.items():
                if "id" in table.c and counts[name]:
                    connection.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), (SELECT max(id) FROM \"{name}\"))"
                        )
                    )
    return counts
