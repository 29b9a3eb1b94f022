"""Themes grouped into candidate foundations by how their contributions sit beside each other.

Two themes belong under one foundation when many of their members are each other's nearest neighbours
(in the embedding space): staff burnout beside agency staff, pooled budgets beside paying for outcomes.
The affinity of two themes is the share of their members' ``NEIGHBOURS`` nearest contributions that lie in
the other theme (averaged both ways), and spectral clustering cuts the themes' affinity graph into the
number of groups asked for (``assign_labels="cluster_qr"``: no random start, the same groups every run).

Centroids alone group badly on a corpus that is all about one field: every centre of a health and care
workshop is close to every other, and Ward on them put nine of the demo's themes, from carers' budgets
to fair pay, under one draft. On the demo-like corpus (docs/themes.md) the neighbours grouping agrees with
the seed declaration's sections at ARI 0.28 against Ward's 0.13.

A corpus of more than ``SAMPLE`` themed contributions is sampled (seeded), so the cost stays at about
SAMPLE² x dimensions however large the run.
"""

from __future__ import annotations

import numpy as np

from clustering.cluster import nearest_neighbours

NEIGHBOURS = 15
SAMPLE = 4000
CHUNK = 1024  # rows whose neighbours are found at once (about 50 MB at SAMPLE rows)


def theme_affinity(
    *, vectors: np.ndarray, labels: np.ndarray, themes: list[int], seed: int = 42
) -> np.ndarray:
    """Symmetric (len(themes), len(themes)) matrix: the share of each theme's members' nearest neighbours
    that belong to the other theme, averaged both ways; 0 on the diagonal. Only members of ``themes`` take
    part: unthemed rows and rows of other themes are neither counted nor anyone's neighbours."""
    position = {theme: i for i, theme in enumerate(themes)}
    own = np.array([position.get(int(label), -1) for label in labels.tolist()], dtype=int)
    rows = np.flatnonzero(own >= 0)  # unthemed rows (UNTHEMED) are in no theme of ``themes``
    if rows.size > SAMPLE:
        rows = np.sort(np.random.default_rng(seed).choice(rows, size=SAMPLE, replace=False))
    result = np.zeros((len(themes), len(themes)))
    k = min(NEIGHBOURS, rows.size - 1)
    if k < 1:
        return result
    unit = vectors[rows] / np.maximum(np.linalg.norm(vectors[rows], axis=1, keepdims=True), 1e-12)
    theme_of = own[rows]
    # CHUNK x SAMPLE similarities at a time, not SAMPLE²
    for start, nearest, _ in nearest_neighbours(unit, unit, k, itself=np.arange(rows.size), chunk=CHUNK):
        source = np.repeat(theme_of[start : start + nearest.shape[0]], k)
        target = theme_of[nearest.ravel()]
        apart = source != target
        np.add.at(result, (source[apart], target[apart]), 1.0)
    members = np.bincount(own[rows], minlength=len(themes)).astype(float)
    result /= np.maximum(members, 1.0)[:, None] * k
    return (result + result.T) / 2


def group_by_affinity(affinity: np.ndarray, k: int) -> np.ndarray:
    """A group number per theme, ``k`` groups, from the themes' affinity (spectral clustering)."""
    n = affinity.shape[0]
    if k >= n:
        return np.arange(n)
    if k <= 1:
        return np.zeros(n, dtype=int)
    from sklearn.cluster import SpectralClustering

    # a floor joins themes that touch nothing, so the graph is one piece
    graph = affinity + 1e-6
    np.fill_diagonal(graph, 0.0)
    model = SpectralClustering(n_clusters=k, affinity="precomputed", assign_labels="cluster_qr")
    return np.asarray(model.fit_predict(graph), dtype=int)


def group_by_centroids(centres: np.ndarray, k: int) -> np.ndarray:
    """The fallback without contributions' vectors: Ward linkage on unit centroids (Euclidean there is a
    monotone function of cosine), which keeps groups of comparable size."""
    if k >= centres.shape[0]:
        return np.arange(centres.shape[0])
    from sklearn.cluster import AgglomerativeClustering

    unit = centres / np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
    return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(unit)
