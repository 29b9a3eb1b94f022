"""Cheap stand-ins for the theme pipeline's model and reducer, so fault tests need not load the real model.

`WordEmbedder` hashes words into a fixed-size vector (texts that share words land close together);
`SlowReducer` sleeps before reducing, so a test can kill the process while the run is in progress."""

from __future__ import annotations

import re
import threading
import time
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from clustering.reduce import PcaReducer

WORD = re.compile(r"[a-z]{4,}")


class WordEmbedder:
    name = "test-word-hash"

    def embed(self, texts: Sequence[str], *, progress=None) -> np.ndarray:
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in WORD.findall(text.lower()):
                out[row, zlib.crc32(word[:6].encode()) % 384] += 1.0
            out[row] /= max(float(np.linalg.norm(out[row])), 1e-6)
        if progress:
            progress(len(texts), len(texts))
        return out


class SlowReducer:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def fit_transform(self, vectors: np.ndarray) -> np.ndarray:
        time.sleep(self.seconds)
        return PcaReducer(n_components=5).fit_transform(vectors)


@contextmanager
def write_lock_held_elsewhere(database_url: str) -> Iterator[None]:
    """Another thread holds the process's SQLite write lock for as long as the block runs."""
    from crowd.db import _write_lock

    held, done = threading.Event(), threading.Event()

    def hold():
        with _write_lock(database_url):
            held.set()
            done.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(30)
    try:
        yield
    finally:
        done.set()
        holder.join(30)
