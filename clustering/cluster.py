"""Clusterers: reduced vectors -> labels (UNTHEMED = -1 for noise). Noise is kept, never dropped."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from clustering.results import UNTHEMED


class Clusterer(Protocol):
    def fit_predict(self, points: np.ndarray) -> np.ndarray: ...


class HdbscanClusterer:
    """HDBSCAN; "excess of mass" selection by default, falling back to "leaf" when it lumps a large corpus
    into fewer than ``min_themes`` clusters (a known failure of eom on some data)."""

    def __init__(
        self,
        *,
        min_cluster_size: int = 10,
        min_samples: int | None = None,
        selection: str = "eom",
        min_themes: int = 3,
    ) -> None:
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.selection = selection
        self.min_themes = min_themes

    def fit_predict(self, points: np.ndarray) -> np.ndarray:
        if points.shape[0] < max(self.min_cluster_size, 2):
            return np.full(points.shape[0], UNTHEMED)
        labels = self._fit(points, self.selection)
        lumped = len(set(labels.tolist()) - {UNTHEMED}) < self.min_themes
        if (
            self.selection == "eom"
            and lumped
            and points.shape[0] >= self.min_themes * 4 * self.min_cluster_size
        ):
            labels = self._fit(points, "leaf")
        return labels

    def _fit(self, points: np.ndarray, selection: str) -> np.ndarray:
        import hdbscan

        model = hdbscan.HDBSCAN(
            min_cluster_size=max(2, self.min_cluster_size),
            min_samples=self.min_samples,
            cluster_selection_method=selection,
            core_dist_n_jobs=1,
        )
        return np.asarray(model.fit_predict(points), dtype=int)


class SingleCluster:
    """Skip clustering: everything in one theme."""

    def fit_predict(self, points: np.ndarray) -> np.ndarray:
        return np.zeros(points.shape[0], dtype=int)


def centroids(vectors: np.ndarray, labels: np.ndarray) -> dict[int, np.ndarray]:
    """Unit-length mean vector per theme (noise excluded)."""
    result: dict[int, np.ndarray] = {}
    for label in sorted(set(labels.tolist()) - {UNTHEMED}):
        mean = vectors[labels == label].mean(axis=0)
        result[label] = mean / (np.linalg.norm(mean) or 1.0)
    return result


def reassign_noise(*, vectors: np.ndarray, labels: np.ndarray, threshold: float) -> np.ndarray:
    """Move each unthemed vector to the nearest theme centroid when cosine similarity >= threshold."""
    cents = centroids(vectors, labels)
    noise = np.flatnonzero(labels == UNTHEMED)
    if not cents or noise.size == 0:
        return labels
    keys = np.array(list(cents))
    sims = vectors[noise] @ np.stack([cents[k] for k in keys]).T
    best = sims.argmax(axis=1)
    out = labels.copy()
    ok = sims[np.arange(noise.size), best] >= threshold
    out[noise[ok]] = keys[best[ok]]
    return out


def secondary_themes(*, vectors: np.ndarray, labels: np.ndarray, margin: float) -> dict[int, int]:
    """Row -> second theme for themed rows whose similarity to another centroid is within ``margin`` of
    their own theme's (split membership: one idea raising two topics)."""
    cents = centroids(vectors, labels)
    if len(cents) < 2:
        return {}
    keys = np.array(list(cents))
    sims = vectors @ np.stack([cents[k] for k in keys]).T
    result: dict[int, int] = {}
    position = {k: i for i, k in enumerate(keys.tolist())}
    for row, label in enumerate(labels.tolist()):
        if label == UNTHEMED:
            continue
        own = sims[row, position[label]]
        others = sims[row].copy()
        others[position[label]] = -np.inf
        j = int(others.argmax())
        if others[j] >= own - margin:
            result[row] = int(keys[j])
    return result
