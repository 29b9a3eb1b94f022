"""Opinion groups, after Pol.is (math/src/polismath/math/clusters.clj and conversation.clj).

Participants who voted enough are first grouped into up to 100 fine "base" clusters by k-means in the
2-D projection; the base-cluster centres, weighted by their sizes, are then grouped by k-means for each
k in 2..min(5, 2 + bases / 12); the k with the best silhouette (over the base centres) wins, smoothed on
incremental runs so that k only changes after the new k has won several runs in a row. Incremental runs
start each k-means from the previous run's clusters, recentred on their members' new positions, and keep
the previous group ids by matching members, so that a few new votes do not reshuffle the map.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from opinions.results import Id, OpinionParams, WarmState


@dataclass(frozen=True)
class Clustering:
    labels: np.ndarray
    """Group id per clustered participant."""
    base_members: tuple[tuple[Id, ...], ...]
    silhouettes: tuple[tuple[int, float], ...]
    state: WarmState


def clustered_mask(
    *,
    votes_per_participant: np.ndarray,
    participant_ids: Sequence[Id],
    n_statements: int,
    params: OpinionParams,
    previously_clustered: frozenset[Id] = frozenset(),
) -> np.ndarray:
    """Pol.is's in-conv rule: min(7, statements) votes; top up to 15 with the most active; once in, in."""
    mask = votes_per_participant >= min(params.min_votes, n_statements)
    mask |= np.fromiter((p in previously_clustered for p in participant_ids), bool, len(participant_ids))
    missing = params.greedy_participants - int(mask.sum())
    if missing > 0:
        order = np.argsort(-votes_per_participant, kind="stable")
        extra = [i for i in order if not mask[i] and votes_per_participant[i] > 0][:missing]
        mask[extra] = True
    return mask


def _distinct_count(points: np.ndarray) -> int:
    return int(np.unique(np.round(points, 12), axis=0).shape[0])


def _add_most_distal(points: np.ndarray, centres: np.ndarray, target: int) -> np.ndarray:
    """Grow a set of centres to `target` by repeatedly adding the point farthest from all of them."""
    grown = list(centres)
    if not grown:
        grown.append(points[0])
    nearest = np.min(np.linalg.norm(points[:, None, :] - np.asarray(grown)[None], axis=2), axis=1)
    while len(grown) < target:
        far = int(np.argmax(nearest))
        if nearest[far] <= 0:
            break
        grown.append(points[far])
        nearest = np.minimum(nearest, np.linalg.norm(points - points[far], axis=1))
    return np.asarray(grown)


def _recentred(
    points: np.ndarray, index: Mapping[Id, int], member_sets: Sequence[Sequence[Id]]
) -> np.ndarray:
    """Centres of previous clusters computed from their members' current positions (empty ones dropped)."""
    centres = []
    for members in member_sets:
        rows = [index[p] for p in members if p in index]
        if rows:
            centres.append(points[rows].mean(axis=0))
    if not centres:
        return np.empty((0, 2))
    _, first = np.unique(np.round(np.asarray(centres), 12), axis=0, return_index=True)
    return np.asarray(centres)[np.sort(first)]


def _kmeans(**options):
    """scikit-learn's KMeans, imported on first use: importing sklearn costs the web server a second at
    start-up, and most processes never analyse opinions."""
    from sklearn.cluster import KMeans

    return KMeans(**options)


def _base_clusters(
    points: np.ndarray, index: Mapping[Id, int], previous: Sequence[Sequence[Id]], params: OpinionParams
) -> tuple[np.ndarray, np.ndarray]:
    k = min(params.base_k, _distinct_count(points))
    if k <= 1:
        return np.zeros(len(points), dtype=np.int64), points.mean(axis=0, keepdims=True)
    init = _recentred(points, index, previous)[:k]
    if len(init):
        init = _add_most_distal(points, init, k)
    if len(init) == k:
        km = _kmeans(n_clusters=k, init=init, n_init=1, max_iter=params.kmeans_iters)
    else:
        km = _kmeans(n_clusters=k, n_init=3, max_iter=params.kmeans_iters, random_state=params.seed)
    labels = km.fit_predict(points)
    used, labels = np.unique(labels, return_inverse=True)
    return labels, km.cluster_centers_[used]


def _group_k_range(n_base: int, params: OpinionParams) -> range:
    return range(2, min(params.max_k, 2 + n_base // 12, n_base) + 1)


def _cluster_bases(
    centres: np.ndarray, weights: np.ndarray, k: int, init: np.ndarray | None, params: OpinionParams
) -> np.ndarray:
    if init is not None and len(init) == k:
        km = _kmeans(n_clusters=k, init=init, n_init=1, max_iter=params.kmeans_iters)
    else:
        km = _kmeans(n_clusters=k, n_init=10, max_iter=params.kmeans_iters, random_state=params.seed)
    return km.fit_predict(centres, sample_weight=weights)


def _silhouette(centres: np.ndarray, labels: np.ndarray) -> float:
    n_labels = len(np.unique(labels))
    if n_labels < 2 or n_labels >= len(centres):
        return -1.0
    from sklearn.metrics import silhouette_score

    return float(silhouette_score(centres, labels))


def _smoothed_k(this_k: int, previous: WarmState, params: OpinionParams, ks: Sequence[int]) -> WarmState:
    """Pol.is's group-k-smoother: switch k only after the new best k has won k_buffer runs in a row."""
    same = previous.last_k is not None and this_k == previous.last_k
    count = previous.last_k_count + 1 if same else 1
    smoothed = this_k if count >= params.k_buffer else (previous.smoothed_k or this_k)
    if smoothed not in ks:
        smoothed = this_k
    return WarmState(last_k=this_k, last_k_count=count, smoothed_k=smoothed)


def _stable_ids(
    labels: np.ndarray, points: np.ndarray, ids: Sequence[Id], previous_groups: Mapping[Id, int]
) -> np.ndarray:
    """Renumber groups: keep the previous run's id for the group sharing most members with it;
    otherwise number by size (largest first)."""
    k = int(labels.max()) + 1
    sizes = np.bincount(labels, minlength=k)
    order = sorted(range(k), key=lambda g: (-sizes[g], *points[labels == g].mean(axis=0)))
    mapping: dict[int, int] = {}
    old_ids = sorted(set(previous_groups.values()))
    if old_ids:
        overlap = np.zeros((k, len(old_ids)))
        col = {g: j for j, g in enumerate(old_ids)}
        for i, pid in enumerate(ids):
            if pid in previous_groups:
                overlap[labels[i], col[previous_groups[pid]]] += 1
        rows, cols = linear_sum_assignment(-overlap)
        mapping = {int(r): old_ids[c] for r, c in zip(rows, cols, strict=True) if overlap[r, c] > 0}
    free = (g for g in range(k + len(old_ids)) if g not in mapping.values())
    for g in order:
        if g not in mapping:
            mapping[g] = next(free)
    return np.array([mapping[g] for g in labels], dtype=np.int64)


def cluster_participants(
    *,
    points: np.ndarray,
    ids: Sequence[Id],
    params: OpinionParams,
    previous_state: WarmState | None = None,
    previous_groups: Mapping[Id, int] | None = None,
) -> Clustering | None:
    """Group the clustered participants' 2-D points; None when they do not form two distinct groups."""
    previous_state = previous_state or WarmState()
    previous_groups = previous_groups or {}
    index = {p: i for i, p in enumerate(ids)}
    base_labels, base_centres = _base_clusters(points, index, previous_state.base_members, params)
    n_base = len(base_centres)
    ks = list(_group_k_range(n_base, params))
    if not ks:
        return None
    weights = np.bincount(base_labels, minlength=n_base).astype(np.float64)
    old_group_members: dict[int, list[Id]] = {}
    for pid, g in previous_groups.items():
        old_group_members.setdefault(g, []).append(pid)
    by_k: dict[int, np.ndarray] = {}
    silhouettes: list[tuple[int, float]] = []
    for k in ks:
        init = None
        if len(old_group_members) == k:
            init = _recentred(points, index, [old_group_members[g] for g in sorted(old_group_members)])
        by_k[k] = _cluster_bases(base_centres, weights, k, init, params)
        silhouettes.append((k, _silhouette(base_centres, by_k[k])))
    this_k = max(silhouettes, key=lambda ks_: (ks_[1], -ks_[0]))[0]
    k_state = (
        _smoothed_k(this_k, previous_state, params, ks)
        if previous_groups
        else WarmState(last_k=this_k, last_k_count=1, smoothed_k=this_k)
    )
    group_of_base = by_k[k_state.smoothed_k]
    labels = np.unique(group_of_base[base_labels], return_inverse=True)[1]
    if labels.max() < 1:
        return None
    labels = _stable_ids(labels, points, ids, previous_groups)
    base_members = tuple(tuple(ids[i] for i in np.flatnonzero(base_labels == b)) for b in range(n_base))
    return Clustering(labels=labels, base_members=base_members, silhouettes=tuple(silhouettes), state=k_state)
