"""Reducers: vectors (n, d) -> (n, k) for the clusterer. sklearn-style ``fit_transform``."""

from __future__ import annotations

import warnings
from typing import Protocol

import numpy as np


class Reducer(Protocol):
    def fit_transform(self, vectors: np.ndarray) -> np.ndarray: ...


def _degenerate(vectors: np.ndarray) -> bool:
    """Too few rows, or all rows (nearly) the same: nothing to reduce."""
    return vectors.shape[0] < 3 or float(np.ptp(vectors, axis=0).max(initial=0.0)) < 1e-6


class NoReduction:
    """Skip the stage: cluster the vectors as they are."""

    def fit_transform(self, vectors: np.ndarray) -> np.ndarray:
        return vectors


class PcaReducer:
    def __init__(self, *, n_components: int = 50, seed: int = 42) -> None:
        self.n_components = n_components
        self.seed = seed

    def fit_transform(self, vectors: np.ndarray) -> np.ndarray:
        from sklearn.decomposition import PCA

        k = min(self.n_components, vectors.shape[0] - 1, vectors.shape[1])
        if k < 1 or _degenerate(vectors):
            return vectors
        return PCA(n_components=k, random_state=self.seed).fit_transform(vectors).astype(np.float32)


class UmapReducer:
    """UMAP with cosine distance, seeded so a run is reproducible (seeding makes UMAP single-threaded)."""

    def __init__(
        self,
        *,
        n_neighbors: int = 15,
        n_components: int = 5,
        min_dist: float = 0.0,
        seed: int | None = 42,
        n_epochs: int | None = None,
    ) -> None:
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.min_dist = min_dist
        self.seed = seed
        self.n_epochs = n_epochs

    def fit_transform(self, vectors: np.ndarray) -> np.ndarray:
        with warnings.catch_warnings():  # umap warns at import that TensorFlow (parametric UMAP) is absent
            warnings.simplefilter("ignore", ImportWarning)
            import umap

        n = vectors.shape[0]
        if n <= self.n_components + 2 or _degenerate(vectors):
            return vectors
        model = umap.UMAP(
            n_neighbors=max(2, min(self.n_neighbors, n - 1)),
            n_components=self.n_components,
            min_dist=self.min_dist,
            metric="cosine",
            random_state=self.seed,
            n_epochs=self.n_epochs,
            init="spectral" if n > 50 else "random",
        )
        return np.asarray(model.fit_transform(vectors), dtype=np.float32)
