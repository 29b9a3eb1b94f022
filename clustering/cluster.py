"""Clusterers: reduced vectors -> labels (UNTHEMED = -1 for noise). Noise is kept, never dropped."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import numpy as np

from clustering.results import UNTHEMED


class Clusterer(Protocol):
    def fit_predict(self, points: np.ndarray) -> np.ndarray: ...


class HdbscanClusterer:
    """HDBSCAN with "excess of mass" selection.

    With ``min_cluster_size=None`` (the default) the smallest theme size is chosen per corpus: HDBSCAN runs
    for sizes 5, 8, 11, 17, 25, ... (x1.5, up to n/10) and the result with the best silhouette in the reduced
    space wins, noise counted as 0 (``silhouette x share clustered``, on a fixed sample of 2,000 points). A
    corpus of many small, tight topics so gets many small themes, a corpus of a few broad topics few large
    ones, instead of a size that grows with n. Every size is tried (the search stops early only when a size
    yields fewer than ``min_themes`` themes): a broad corpus often scores a fine split first and its few
    broad topics only at sizes of a hundred or more (8,000 titles of 4 subjects: 180 themes at sizes 5-17,
    the 4 subjects, with a better score, from 128 on). ``chosen_min_cluster_size`` and ``tried`` record it.
    When eom lumps the corpus into fewer than ``min_themes`` at every size, the search is repeated with
    "leaf" selection.

    ``min_samples`` (HDBSCAN's density neighbourhood; the pipeline passes its UMAP neighbourhood) stays
    the same for every size tried; None leaves it to HDBSCAN, which takes the size.

    A fixed ``min_cluster_size`` runs once, falling back to "leaf" selection when eom lumps a large corpus
    into fewer than ``min_themes`` clusters (a known failure of eom on some data)."""

    def __init__(
        self,
        *,
        min_cluster_size: int | None = None,
        min_samples: int | None = None,
        selection: str = "eom",
        min_themes: int = 3,
        sample: int = 2000,
        seed: int = 42,
    ) -> None:
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.selection = selection
        self.min_themes = min_themes
        self.sample = sample
        self.seed = seed
        self.chosen_min_cluster_size: int | None = min_cluster_size
        self.tried: list[dict[str, object]] = []

    def fit_predict(self, points: np.ndarray) -> np.ndarray:
        if self.min_cluster_size is None:
            return self._search(points)
        if points.shape[0] < max(self.min_cluster_size, 2):
            return np.full(points.shape[0], UNTHEMED)
        labels = self._fit(points, self.selection, self.min_cluster_size)
        lumped = len(set(labels.tolist()) - {UNTHEMED}) < self.min_themes
        if (
            self.selection == "eom"
            and lumped
            and points.shape[0] >= self.min_themes * 4 * self.min_cluster_size
        ):
            labels = self._fit(points, "leaf", self.min_cluster_size)
        return labels

    def _search(self, points: np.ndarray, selection: str | None = None) -> np.ndarray:
        selection = selection or self.selection
        n = points.shape[0]
        sizes = candidate_sizes(n)
        if n < 2 * sizes[0]:
            self.chosen_min_cluster_size = sizes[0]
            return np.full(n, UNTHEMED)
        rng = np.random.default_rng(self.seed)
        rows = np.sort(rng.choice(n, size=min(self.sample, n), replace=False))
        best: tuple[float, int, np.ndarray] | None = None
        previous: tuple[np.ndarray, float] | None = None
        self.tried = []
        tree = self._tree(points, sizes[0])
        for size in sizes:
            labels = (
                self._fit(points, selection, size) if tree is None else _cut(points, tree, selection, size)
            )
            found = len(set(labels.tolist()) - {UNTHEMED})
            if previous is not None and np.array_equal(previous[0], labels):
                value = previous[1]  # the same themes as the size before: same score
            else:
                value = separation(points[rows], labels[rows]) if found >= self.min_themes else -1.0
            previous = (labels, value)
            self.tried.append(
                {"min_cluster_size": size, "themes": found, "score": round(value, 4), "selection": selection}
            )
            if best is None or value > best[0]:
                best = (value, size, labels)
            if found < self.min_themes:
                break
        assert best is not None
        if best[0] < 0 and selection == "eom":  # eom lumped the corpus at every size: try leaf selection
            tried = self.tried
            labels = self._search(points, "leaf")
            self.tried = tried + self.tried
            return labels
        self.chosen_min_cluster_size = best[1]
        return best[2]

    def _tree(self, points: np.ndarray, size: int) -> np.ndarray | None:
        """HDBSCAN's single-linkage tree, which depends on ``min_samples`` only: with a fixed one, each size
        the search tries is a cut of the same tree (the same labels as a fit of its own, a third of the
        CPU). None when ``min_samples`` follows the size (HDBSCAN's default), so each size needs a fit."""
        import hdbscan

        if self.min_samples is None:
            return None
        model = hdbscan.HDBSCAN(
            min_cluster_size=max(2, size), min_samples=self.min_samples, core_dist_n_jobs=1
        )
        model.fit(points)
        return model._single_linkage_tree

    def _fit(self, points: np.ndarray, selection: str, size: int) -> np.ndarray:
        import hdbscan

        model = hdbscan.HDBSCAN(
            min_cluster_size=max(2, size),
            min_samples=self.min_samples,
            cluster_selection_method=selection,
            core_dist_n_jobs=1,
        )
        return np.asarray(model.fit_predict(points), dtype=int)


def _cut(points: np.ndarray, tree: np.ndarray, selection: str, size: int) -> np.ndarray:
    """Labels for one smallest theme size from a single-linkage tree, as ``HDBSCAN.fit`` makes them."""
    from hdbscan.hdbscan_ import _tree_to_labels  # hdbscan's own step from tree to labels

    return np.asarray(_tree_to_labels(points, tree, max(2, size), selection)[0], dtype=int)


def candidate_sizes(n: int) -> list[int]:
    """Smallest theme sizes the search tries: 5, 8, 11, 17, 25, 38, ... (x1.5) up to n/10."""
    sizes = [5]
    while sizes[-1] * 1.5 <= n / 10:
        sizes.append(int(round(5 * 1.5 ** len(sizes))))
    return sizes


def separation(points: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette of the clustered points times the share clustered (noise scores 0): high when
    themes are tight and apart and few points are left out."""
    from sklearn.metrics import silhouette_samples

    clustered = labels != UNTHEMED
    if len(set(labels[clustered].tolist())) < 2:
        return -1.0
    values = silhouette_samples(points[clustered], labels[clustered])
    return float(values.sum() / labels.shape[0])


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
    """Row -> second theme for themed rows that are nearly as close to another theme as to their own
    (split membership: one idea raising two topics), by either of two measures:

    - centroids: the similarity to another theme's centre is within ``margin`` of that to its own theme's
      centre, taken without the row itself (as silhouette does), so a member of a small theme is not held
      in it by its own weight (a sixteenth of the centre in a theme of 16);
    - neighbours: its mean similarity to its ``NEAREST`` closest members of another theme is within
      ``margin`` of that to its closest members of its own. A broad theme's centre lies far from each of
      its members, so an idea on carers and GP appointments placed in a wide GP theme is far from the
      carers' centre but right beside some carers' ideas.
    """
    cents = centroids(vectors, labels)
    if len(cents) < 2:
        return {}
    keys = np.array(list(cents))
    sims = vectors @ np.stack([cents[k] for k in keys]).T
    sums = {k: vectors[labels == k].sum(axis=0) for k in keys.tolist()}
    result: dict[int, int] = {}
    near: list[int] = []  # rows a little further than the margin: the neighbours measure decides
    position = {k: i for i, k in enumerate(keys.tolist())}
    for row, label in enumerate(labels.tolist()):
        if label == UNTHEMED:
            continue
        rest = sums[label] - vectors[row]
        norm = float(np.linalg.norm(rest))
        if norm < 1e-9:  # a theme of one: nothing to compare with
            continue
        own = float(vectors[row] @ rest) / norm
        others = sims[row].copy()
        others[position[label]] = -np.inf
        j = int(others.argmax())
        if others[j] >= own - margin:
            result[row] = int(keys[j])
        elif others[j] >= own - NEAR_FACTOR * margin:
            near.append(row)
    result.update(_touching_neighbours(vectors, labels, margin, np.array(near, dtype=int)))
    return result


# the neighbours measure: NEAREST members per theme among a row's NEIGHBOURHOOD nearest rows, tried on rows
# whose centre gap is under NEAR_FACTOR x margin (the rest are far from any other theme), CHUNK rows at once
NEAREST, NEIGHBOURHOOD, NEAR_FACTOR, CHUNK = 3, 30, 4.0, 1024


def nearest_neighbours(
    queries: np.ndarray, pool: np.ndarray, k: int, *, itself: np.ndarray, chunk: int = CHUNK
) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """Each query row's ``k`` most similar rows of ``pool`` (dot product: unit vectors give cosine), in
    chunks of ``chunk`` queries so memory stays at chunk x len(pool): yields (first query of the chunk,
    the neighbours' positions in ``pool``, their similarities), unsorted. ``itself[i]`` is query i's own
    position in ``pool``, which is never its neighbour."""
    for start in range(0, queries.shape[0], chunk):
        block = queries[start : start + chunk] @ pool.T
        block[np.arange(block.shape[0]), itself[start : start + chunk]] = -np.inf
        near = np.argpartition(-block, k - 1, axis=1)[:, :k]
        yield start, near, np.take_along_axis(block, near, axis=1)


def _touching_neighbours(
    vectors: np.ndarray, labels: np.ndarray, margin: float, candidates: np.ndarray
) -> dict[int, int]:
    """The neighbours measure of ``secondary_themes`` for the ``candidates`` rows, over each one's
    ``NEIGHBOURHOOD`` nearest themed rows (in chunks, so memory stays at CHUNK x n); a theme with fewer than
    ``NEAREST`` of them counts the rest at the neighbourhood's farthest similarity, which bounds what it
    is missing."""
    themed = np.flatnonzero(labels != UNTHEMED)
    if themed.size <= NEAREST + 1 or candidates.size == 0:
        return {}
    pool = vectors[themed]
    pool_labels = labels[themed]
    index_in_pool = np.full(labels.shape[0], -1)
    index_in_pool[themed] = np.arange(themed.size)
    k = min(NEIGHBOURHOOD, themed.size - 1)
    result: dict[int, int] = {}
    found = nearest_neighbours(vectors[candidates], pool, k, itself=index_in_pool[candidates])
    for start, near, values in found:
        rows = candidates[start : start + CHUNK]
        order = np.argsort(-values, axis=1)
        values = np.take_along_axis(values, order, axis=1)
        themes = pool_labels[np.take_along_axis(near, order, axis=1)]
        floor = values[:, -1:]
        own = labels[rows][:, None]
        others = themes != own
        has_other = others.any(axis=1)
        candidate = themes[np.arange(rows.size), others.argmax(axis=1)][:, None]  # nearest other theme's
        own_score = _top_mean(values, themes == own, floor)
        other_score = _top_mean(values, themes == candidate, floor)
        touching = has_other & (other_score >= own_score - margin)
        for row, theme in zip(rows[touching].tolist(), candidate[touching, 0].tolist(), strict=True):
            result[row] = int(theme)
    return result


def _top_mean(values: np.ndarray, mask: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """Per row, the mean of the NEAREST largest ``values`` where ``mask`` (values sorted descending),
    missing ones counted at ``floor``."""
    picked = np.where(mask, values, -np.inf)
    top = -np.sort(-picked, axis=1)[:, :NEAREST]
    return np.where(np.isfinite(top), top, floor).mean(axis=1)
