"""Place a newly arrived contribution into an existing theme without a full re-run."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def assign(*, vector: np.ndarray, centroids: Mapping[str, np.ndarray], threshold: float = 0.35) -> str | None:
    """The key of the most similar theme centroid (cosine) at or above ``threshold``; None = unthemed."""
    if not centroids:
        return None
    keys = list(centroids)
    matrix = np.stack([centroids[k] / (np.linalg.norm(centroids[k]) or 1.0) for k in keys])
    v = vector / (np.linalg.norm(vector) or 1.0)
    sims = matrix @ v
    best = int(sims.argmax())
    return keys[best] if sims[best] >= threshold else None


def nearest(
    *, vector: np.ndarray, vectors: np.ndarray, ids: list[str], k: int = 3
) -> list[tuple[str, float]]:
    """The ``k`` most similar existing contributions (for "similar ideas" while a participant types)."""
    if len(ids) == 0:
        return []
    sims = vectors @ (vector / (np.linalg.norm(vector) or 1.0))
    order = np.argsort(-sims)[:k]
    return [(ids[i], float(sims[i])) for i in order]
