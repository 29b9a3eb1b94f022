"""Re-runs embed only contributions the cache has not seen."""

import numpy as np
import pytest

from clustering import CachedEmbedder, MemoryCache, SqliteCache


class CountingEmbedder:
    name = "counting-model"

    def __init__(self):
        self.seen: list[str] = []

    def embed(self, texts, *, progress=None):
        self.seen.extend(texts)
        if progress:
            progress(len(texts), len(texts))
        return np.array([[len(t), t.count("a"), 1.0] for t in texts], dtype=np.float32)


@pytest.mark.parametrize("make_cache", [lambda tmp: MemoryCache(), lambda tmp: SqliteCache(tmp / "v.sqlite")])
def test_a_rerun_embeds_only_new_texts(tmp_path, make_cache):
    inner = CountingEmbedder()
    embedder = CachedEmbedder(inner, make_cache(tmp_path))

    first = embedder.embed(["alpha", "beta", "alpha"])
    second = embedder.embed(["beta", "  alpha ", "gamma"])

    assert inner.seen == ["alpha", "beta", "gamma"]
    np.testing.assert_array_equal(first[0], second[1])
    np.testing.assert_array_equal(first[1], second[0])


def test_the_disk_cache_survives_a_new_process(tmp_path):
    SqliteCache(tmp_path / "v.sqlite").put_many(
        model="m", vectors={"k": np.array([1.0, 2.0], dtype=np.float32)}
    )

    found = SqliteCache(tmp_path / "v.sqlite").get_many(model="m", keys=["k", "missing"])

    assert list(found) == ["k"]
    np.testing.assert_array_equal(found["k"], [1.0, 2.0])


def test_vectors_of_another_model_are_not_reused():
    cache = MemoryCache()
    cache.put_many(model="old-model", vectors={"k": np.zeros(3)})

    assert cache.get_many(model="new-model", keys=["k"]) == {}


def test_progress_is_reported_even_when_everything_is_cached():
    embedder = CachedEmbedder(CountingEmbedder(), MemoryCache())
    embedder.embed(["a", "b"])
    calls = []

    embedder.embed(["a", "b"], progress=lambda done, total: calls.append((done, total)))

    assert calls == [(2, 2)]


def test_a_bounded_cache_forgets_the_least_recently_used_vector_first():
    cache = MemoryCache(max_items=2)
    cache.put_many(model="m", vectors={"a": np.zeros(3), "b": np.ones(3)})
    cache.get_many(model="m", keys=["a"])  # "a" used again: "b" is now the oldest
    cache.put_many(model="m", vectors={"c": np.ones(3)})

    assert sorted(cache.get_many(model="m", keys=["a", "b", "c"])) == ["a", "c"]
    assert len(cache) == 2
