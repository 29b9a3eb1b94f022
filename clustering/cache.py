"""Embedding caches keyed by (model name, sha256 of the normalised text).

The app can store vectors in its own database by implementing the same two-method protocol.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Protocol

import numpy as np


class EmbeddingCache(Protocol):
    def get_many(self, *, model: str, keys: list[str]) -> dict[str, np.ndarray]: ...

    def put_many(self, *, model: str, vectors: dict[str, np.ndarray]) -> None: ...


class MemoryCache:
    """A dict in this process; the long-lived worker keeps one warm. With ``max_items`` it keeps that many
    vectors at most, forgetting the least recently used first."""

    def __init__(self, *, max_items: int | None = None) -> None:
        self._store: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self.max_items = max_items
        self._lock = threading.Lock()

    def get_many(self, *, model: str, keys: list[str]) -> dict[str, np.ndarray]:
        with self._lock:
            found = {k: self._store[(model, k)] for k in keys if (model, k) in self._store}
            if self.max_items is not None:
                for k in found:
                    self._store.move_to_end((model, k))
        return found

    def put_many(self, *, model: str, vectors: dict[str, np.ndarray]) -> None:
        with self._lock:
            for k, v in vectors.items():
                self._store[(model, k)] = np.asarray(v, dtype=np.float32)
                self._store.move_to_end((model, k))
            while self.max_items is not None and len(self._store) > self.max_items:
                self._store.popitem(last=False)

    def __len__(self) -> int:
        return len(self._store)


class SqliteCache:
    """Vectors as float32 blobs in one SQLite file (created on first use)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS embedding (model TEXT NOT NULL, key TEXT NOT NULL, "
                "vector BLOB NOT NULL, PRIMARY KEY (model, key))"
            )

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path)) as db, db:
            yield db

    def get_many(self, *, model: str, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self._connect() as db:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = db.execute(
                    f"SELECT key, vector FROM embedding WHERE model = ? AND key IN ({marks})", [model, *chunk]
                )
                found.update({k: np.frombuffer(blob, dtype=np.float32) for k, blob in rows})
        return found

    def put_many(self, *, model: str, vectors: dict[str, np.ndarray]) -> None:
        rows = [(model, k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in vectors.items()]
        with self._connect() as db:
            db.executemany("INSERT OR REPLACE INTO embedding VALUES (?, ?, ?)", rows)
