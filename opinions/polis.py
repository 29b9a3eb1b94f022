"""A line-by-line port of Pol.is's conversation update (compdemocracy/polis, math/src/polismath/math/).

Pol.is does not cluster a conversation once: every batch of new votes runs `conv-update`
(conversation.clj), which warm-starts from the previous update's state. This module keeps that state in a
`PolisState` and applies one update per call to `update`, so that a conversation can be analysed cold (one
update with every vote) or replayed batch by batch (opinions.replay). The steps, with their Pol.is names:

- `raw-rating-mat`: participants x comments, votes as they came, unseen cells empty. Rows and columns are
  added in the order the batch brings them (Pol.is polls votes ordered by comment, participant, time).
- `rating-mat`: the same with moderated-out and meta comments zeroed: the whole column is set to 0, so it
  counts as voted for everyone (named_matrix.clj, zero-out-columns).
- `in-conv`: participants with at least min(7, comments) votes, topped up to 15 with the most active; once
  in, always in. Counted on `raw-rating-mat` (on `rating-mat` before 2017-10-31).
- `pca`: unseen cells filled with the column mean (0 before 2017-10-21), then two components by power
  iteration warm-started from the previous components (pca.clj); participants are projected over the
  cells they voted on, scaled by sqrt(comments / votes).
- `base-clusters`: k-means (k = 100) of the in-conv participants' projections, started from the previous
  base clusters (clusters.clj, clean-start-clusters) or from the first k distinct points.
- `group-clusterings`: for k in 2..min(5, 2 + bases / 12), weighted k-means of the base-cluster centres,
  each warm-started from the previous update's clustering for the same k; at most 20 iterations (the
  `:cluster-iters` option Pol.is passes is not one `kmeans` reads, so its default of 20 applies).
- `group-k-smoother`: the k with the best silhouette (over base-cluster centres) is adopted once it has
  won 4 updates in a row.

Where the code changed over the years, `PolisMethod.as_of(timestamp)` gives the method that ran then.
Pure numpy; nothing here imports the web application.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import numpy as np

from opinions.results import Id

Vote = tuple[Id, Id, int]
"""(participant, comment, vote) with agree +1, disagree -1, pass 0 (the sign does not change the groups)."""


def _ms(year: int, month: int, day: int, hour: int = 0) -> int:
    return int(datetime(year, month, day, hour, tzinfo=UTC).timestamp() * 1000)


BASE_K_100 = _ms(2017, 4, 14, 23)
"""32988e40: base-k 50 -> 100."""
MEAN_IMPUTATION = _ms(2017, 10, 22, 7)
"""90b5b9e6 (2017-10-21 23:59 -0700): unseen cells filled with the column mean instead of 0."""
RAW_VOTE_COUNTS = _ms(2017, 10, 31, 23)
"""30355e11 + acd818c9 (2017-10-31 15:35 -0700): in-conv counts votes on the raw matrix, not the zeroed one."""
BASE_ITERS_OPTION = _ms(2017, 12, 8, 23)
"""e07aec5a (2017-12-08): the base k-means finally receives :max-iters (10); before, its default of 20."""
HUNDRED_ITERATIONS = _ms(2022, 6, 29, 18)
"""a2efd9ba (2022-06-29): pca-iters and base-iters 10 -> 100."""


@dataclass(frozen=True)
class PolisMethod:
    """Pol.is's constants; the defaults are today's (conversation.clj base-conv-update-graph)."""

    pca_iters: int = 100
    base_iters: int = 100
    group_iters: int = 20
    base_k: int = 100
    max_k: int = 5
    k_buffer: int = 4
    min_votes: int = 7
    greedy_n: int = 15
    mean_imputation: bool = True
    count_votes_on_zeroed: bool = False

    @classmethod
    def as_of(cls, timestamp_ms: float | None) -> PolisMethod:
        """The method Pol.is ran at this time (milliseconds since 1970, as in its exports)."""
        if timestamp_ms is None:
            return cls()
        t = float(timestamp_ms)
        if t >= HUNDRED_ITERATIONS:
            iters, base_iters = 100, 100
        elif t >= BASE_ITERS_OPTION:
            iters, base_iters = 10, 10
        else:
            iters, base_iters = 10, 20
        return cls(
            pca_iters=iters,
            base_iters=base_iters,
            base_k=100 if t >= BASE_K_100 else 50,
            mean_imputation=t >= MEAN_IMPUTATION,
            count_votes_on_zeroed=t < RAW_VOTE_COUNTS,
        )


@dataclass
class Cluster:
    id: int
    members: list
    center: np.ndarray


@dataclass
class PolisState:
    """What one update leaves for the next (the `conv` map of conversation.clj)."""

    rows: list = field(default_factory=list)
    row_index: dict = field(default_factory=dict)
    cols: list = field(default_factory=list)
    col_index: dict = field(default_factory=dict)
    raw: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))
    """participants x comments; NaN where not voted."""
    in_conv: set = field(default_factory=set)
    comps: np.ndarray | None = None
    center: np.ndarray | None = None
    proj: np.ndarray | None = None
    base_clusters: list[Cluster] = field(default_factory=list)
    group_clusterings: dict[int, list[Cluster]] = field(default_factory=dict)
    silhouettes: dict[int, float] = field(default_factory=dict)
    last_k: int | None = None
    last_k_count: int = 0
    smoothed_k: int | None = None
    updates: int = 0

    def group_of(self) -> dict[Id, int]:
        """Participant -> Pol.is group id (the `group-id` of its exports), for the in-conv participants."""
        groups = self.group_clusterings.get(self.smoothed_k or -1)
        if not groups:
            return {}
        base_of = {c.id: c.members for c in self.base_clusters}
        return {pid: g.id for g in groups for bid in g.members for pid in base_of.get(bid, ())}

    def restarted(self) -> PolisState:
        """The state a restarted Pol.is worker reloads (conv_man.clj, load-or-init/restructure-json-conv):
        PCA, base clusters and in-conv survive; the per-k group clusterings and the k smoother do not, and
        the matrix is rebuilt from every vote ordered by comment then participant."""
        order = _reload_order(self)
        raw = self.raw[order] if len(order) else self.raw
        rows = [self.rows[i] for i in order]
        return replace(
            self,
            rows=rows,
            row_index={p: i for i, p in enumerate(rows)},
            raw=raw,
            group_clusterings={},
            last_k=None,
            last_k_count=0,
            smoothed_k=None,
        )


def _reload_order(state: PolisState) -> list[int]:
    if not state.rows:
        return []
    seen = ~np.isnan(state.raw)
    col_order = sorted(range(len(state.cols)), key=lambda j: _sort_key(state.cols[j]))
    first = np.full(len(state.rows), len(col_order), dtype=np.int64)
    for rank, j in enumerate(col_order):
        newly = seen[:, j] & (first == len(col_order))
        first[newly] = rank
    keys = [(int(first[i]), _sort_key(state.rows[i])) for i in range(len(state.rows))]
    return sorted(range(len(state.rows)), key=lambda i: keys[i])


def _sort_key(value: Id) -> tuple:
    return (0, value, "") if isinstance(value, int) else (1, 0, str(value))


def sorted_batch(votes: Iterable[tuple[float, Id, Id, int]]) -> list[Vote]:
    """Pol.is's poll order: by comment, participant, time (postgres.clj, poll / conv-poll)."""
    rows = sorted(votes, key=lambda v: (_sort_key(v[2]), _sort_key(v[1]), v[0]))
    return [(p, c, int(x)) for _, p, c, x in rows]


# --- the rating matrix -------------------------------------------------------------------------------


def _add_votes(state: PolisState, votes: Sequence[Vote]) -> None:
    """named_matrix.clj update-nmat: new rows/columns in order of appearance; later votes overwrite."""
    new_rows = [p for p in dict.fromkeys(p for p, _, _ in votes) if p not in state.row_index]
    new_cols = [c for c in dict.fromkeys(c for _, c, _ in votes) if c not in state.col_index]
    if new_rows or new_cols:
        n, m = state.raw.shape
        grown = np.full((n + len(new_rows), m + len(new_cols)), np.nan)
        grown[:n, :m] = state.raw
        state.raw = grown
        for p in new_rows:
            state.row_index[p] = len(state.rows)
            state.rows.append(p)
        for c in new_cols:
            state.col_index[c] = len(state.cols)
            state.cols.append(c)
    if votes:
        r = np.fromiter((state.row_index[p] for p, _, _ in votes), np.int64, len(votes))
        c = np.fromiter((state.col_index[t] for _, t, _ in votes), np.int64, len(votes))
        state.raw[r, c] = np.fromiter((v for _, _, v in votes), np.float64, len(votes))


def _zeroed(state: PolisState, zeroed: Collection[Id]) -> np.ndarray:
    rating = state.raw.copy()
    cols = [state.col_index[t] for t in zeroed if t in state.col_index]
    if cols:
        rating[:, cols] = 0.0
    return rating


def _in_conv(state: PolisState, counts: np.ndarray, method: PolisMethod) -> set:
    n_cmts = len(state.cols)
    in_conv = set(state.in_conv)
    in_conv.update(p for p, c in zip(state.rows, counts, strict=True) if c >= min(method.min_votes, n_cmts))
    if len(in_conv) < method.greedy_n:
        order = np.argsort(-counts, kind="stable")
        extra = [state.rows[i] for i in order if state.rows[i] not in in_conv]
        in_conv.update(extra[: method.greedy_n - len(in_conv)])
    return in_conv


# --- PCA (pca.clj) -----------------------------------------------------------------------------------


def _power_iteration(data: np.ndarray, iters: int, start: np.ndarray) -> np.ndarray:
    vector = start
    last = 0.0
    while True:
        product = data.T @ (data @ vector)
        eigval = float(np.linalg.norm(product))
        normed = product / eigval if eigval > 0 else product
        if iters == 0 or eigval == last:
            return normed
        iters, vector, last = iters - 1, normed, eigval


def _pca(mat: np.ndarray, previous: np.ndarray | None, iters: int, rng: np.random.Generator):
    n, m = mat.shape
    if n == 1:
        row = mat[0]
        norm = np.linalg.norm(row)
        comps = np.zeros((2, m))
        comps[0] = row / norm if norm > 0 else row
        return np.zeros(m), comps
    if m == 1:
        return np.zeros(1), np.array([[1.0], [0.0]])
    center = mat.mean(axis=0)
    data = mat - center
    n_comps = min(2, n, m)
    comps = np.zeros((2, m))
    for c in range(n_comps):
        start = None
        if previous is not None and c < len(previous):
            old = previous[c]
            if np.any(old != 0):
                start = np.concatenate([old, np.ones(m - len(old))]) if len(old) < m else old[:m]
        if start is None:
            start = rng.random(m)
        pc = _power_iteration(data, iters, start)
        comps[c] = pc
        if c + 1 < n_comps:
            norm2 = float(pc @ pc)
            if norm2 != 0:
                data = data - np.outer(data @ pc / norm2, pc)
    return center, comps


def _project(rating: np.ndarray, center: np.ndarray, comps: np.ndarray) -> np.ndarray:
    """sparsity-aware-project-ptpts: over voted cells only, scaled by sqrt(comments / votes)."""
    seen = ~np.isnan(rating)
    centred = np.where(seen, rating - center, 0.0)
    n_votes = seen.sum(axis=1)
    scale = np.sqrt(rating.shape[1] / np.maximum(n_votes, 1))
    return (centred @ comps.T) * scale[:, None]


# --- k-means (clusters.clj) --------------------------------------------------------------------------


def _weighted_mean(points: np.ndarray, weights: np.ndarray | None) -> np.ndarray:
    if weights is None:
        return points.mean(axis=0)
    return (weights[:, None] * points).sum(axis=0) / weights.sum()


def _distinct_first(points: np.ndarray, k: int) -> list[int]:
    seen: set[tuple[float, ...]] = set()
    out = []
    for i, row in enumerate(points):
        key = tuple(row.tolist())
        if key not in seen:
            seen.add(key)
            out.append(i)
            if len(out) == k:
                break
    return out


class _Data:
    """A named matrix of points: names (participants or base-cluster ids), positions, optional weights."""

    def __init__(self, names: Sequence, points: np.ndarray, weights: np.ndarray | None) -> None:
        self.names, self.points, self.weights = list(names), points, weights
        self.index = {name: i for i, name in enumerate(self.names)}

    def rows_of(self, members: Iterable) -> np.ndarray:
        return np.array([self.index[m] for m in members if m in self.index], dtype=np.int64)

    def mean_of(self, rows: np.ndarray) -> np.ndarray:
        w = None if self.weights is None else self.weights[rows]
        return _weighted_mean(self.points[rows], w)


def _nearest_last(points: np.ndarray, centers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index and distance of the closest centre; on ties the last one (Clojure's min-key keeps the last)."""
    sq = np.zeros((len(points), len(centers)))
    for d in range(points.shape[1]):  # two columns: cheaper than an (n, k, 2) temporary
        sq += np.subtract.outer(points[:, d], centers[:, d]) ** 2
    idx = centers.shape[0] - 1 - np.argmin(sq[:, ::-1], axis=1)
    return idx, np.sqrt(sq[np.arange(len(points)), idx])


def _cluster_step(data: _Data, clusters: list[Cluster]) -> list[Cluster]:
    centers = np.array([c.center for c in clusters])
    nearest, _ = _nearest_last(data.points, centers)
    means = _centres(data, nearest, len(clusters), centers)
    counts = np.bincount(nearest, minlength=len(clusters))
    order = np.argsort(nearest, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(counts)])
    names = data.names
    return [
        Cluster(c.id, [names[i] for i in order[bounds[j] : bounds[j + 1]]], means[j])
        for j, c in enumerate(clusters)
        if counts[j]
    ]


def _vec_key(v: np.ndarray) -> tuple:
    return tuple(v.tolist())


def _same_clustering(a: list[Cluster], b: list[Cluster], threshold: float = 0.01) -> bool:
    ca = sorted(_vec_key(c.center) for c in a)
    cb = sorted(_vec_key(c.center) for c in b)
    return all(math.dist(x, y) < threshold for x, y in zip(ca, cb, strict=False))


def _init_clusters(data: _Data, k: int) -> list[Cluster]:
    return [Cluster(i, [], data.points[r].copy()) for i, r in enumerate(_distinct_first(data.points, k))]


def _uniqify(clusters: list[Cluster]) -> list[Cluster]:
    out: list[Cluster] = []
    where: dict[tuple, int] = {}
    for c in clusters:
        key = _vec_key(c.center)
        same = where.get(key)
        if same is None:
            where[key] = len(out)
            out.append(c)
            continue
        o = out[same]
        keep = o if len(o.members) > len(c.members) else c
        sizes = np.array([len(o.members), len(c.members)], dtype=np.float64)
        center = _weighted_mean(np.array([o.center, c.center]), sizes) if sizes.sum() > 0 else o.center.copy()
        out[same] = Cluster(keep.id, list(o.members) + list(c.members), center)
        where.pop(key)
        where[_vec_key(center)] = same
    return out


def _labels(data: _Data, clusters: list[Cluster]) -> np.ndarray:
    """Row -> index of the cluster listing it as a member (-1: none); members are disjoint."""
    labels = np.full(len(data.names), -1, dtype=np.int64)
    for j, c in enumerate(clusters):
        rows = data.rows_of(c.members)
        if len(rows):
            labels[rows] = j
    return labels


def _centres(data: _Data, labels: np.ndarray, k: int, fallback: np.ndarray) -> np.ndarray:
    """Weighted mean position of each cluster's present members; `fallback` rows where it has none."""
    inside = labels >= 0
    w = np.ones(len(labels)) if data.weights is None else data.weights
    sums = np.zeros((k, data.points.shape[1]))
    np.add.at(sums, labels[inside], w[inside, None] * data.points[inside])
    totals = np.bincount(labels[inside], weights=w[inside], minlength=k)
    counts = np.bincount(labels[inside], minlength=k)
    out = fallback.copy()
    has = counts > 0
    out[has] = sums[has] / totals[has, None]
    return out


def _clean_start(data: _Data, last: list[Cluster], k: int) -> list[Cluster]:
    labels = _labels(data, last)
    present = np.bincount(labels[labels >= 0], minlength=len(last)) > 0
    if not present.any():
        everyone = np.arange(len(data.names))
        return [Cluster(max((c.id for c in last), default=-1) + 1, list(data.names), data.mean_of(everyone))]
    old = np.array([c.center for c in last])
    centres = _centres(data, labels, len(last), old)
    clusters = [Cluster(c.id, list(c.members), centres[j]) for j, c in enumerate(last) if present[j]]
    clusters = _uniqify(clusters)
    possible = None
    labels = _labels(data, clusters)
    while True:
        old = np.array([c.center for c in clusters])
        centres = _centres(data, labels, len(clusters), old)
        clusters = [Cluster(c.id, c.members, centres[j]) for j, c in enumerate(clusters)]
        if len(clusters) >= k:
            return clusters
        if possible is None:
            possible = min(k, len(np.unique(data.points, axis=0)))
        if possible <= len(clusters):
            return clusters
        _, dist = _nearest_last(data.points, centres)
        far = len(dist) - 1 - int(np.argmax(dist[::-1]))  # max-key keeps the last of equal maxima
        if dist[far] <= 0:
            return clusters
        name = data.names[far]
        j = int(labels[far])
        if j >= 0:
            clusters[j] = Cluster(
                clusters[j].id, [m for m in clusters[j].members if m != name], clusters[j].center
            )
        clusters.append(Cluster(max(c.id for c in clusters) + 1, [name], data.points[far].copy()))
        labels[far] = len(clusters) - 1


def kmeans(data: _Data, k: int, *, last: list[Cluster] | None, max_iters: int) -> list[Cluster]:
    clusters = _clean_start(data, last, k) if last else _init_clusters(data, k)
    iters = max_iters
    while True:
        new = _cluster_step(data, clusters)
        if iters == 0 or _same_clustering(clusters, new):
            return sorted(new, key=lambda c: c.id)
        clusters, iters = new, iters - 1


def silhouette(dist: np.ndarray, index: dict, clusters: list[Cluster]) -> float:
    """clusters.clj silhouette: mean over members of (b - a) / max(a, b); 0 for a member alone."""
    if len(clusters) < 2:
        return -1.0
    labels = np.full(dist.shape[0], -1, dtype=np.int64)
    for j, c in enumerate(clusters):
        labels[[index[m] for m in c.members]] = j
    inside = np.flatnonzero(labels >= 0)
    lab = labels[inside]
    k = len(clusters)
    sizes = np.bincount(lab, minlength=k).astype(np.float64)
    onehot = np.zeros((len(inside), k))
    onehot[np.arange(len(inside)), lab] = 1.0
    sums = dist[np.ix_(inside, inside)] @ onehot  # member x cluster: total distance
    own = sizes[lab]
    a = sums[np.arange(len(inside)), lab] / np.maximum(own - 1, 1)
    other = np.where(onehot > 0, np.inf, sums / np.maximum(sizes, 1)[None, :])
    other[:, sizes == 0] = np.inf
    b = other.min(axis=1)
    top = np.maximum(a, b)
    s = np.where(top > 0, (b - a) / np.where(top > 0, top, 1.0), 0.0)
    s[own == 1] = 0.0
    return float(s.mean()) if len(s) else -1.0


# --- one update --------------------------------------------------------------------------------------


def update(
    state: PolisState,
    votes: Sequence[Vote],
    *,
    zeroed: Collection[Id] = (),
    method: PolisMethod | None = None,
    rng: np.random.Generator | None = None,
) -> PolisState:
    """Pol.is's conv-update: add a batch of votes (in Pol.is's poll order) and recompute; mutates `state`.

    `zeroed` holds the moderated-out and meta comment ids (Pol.is's mod-out set)."""
    method = method or PolisMethod()
    rng = rng if rng is not None else np.random.default_rng(0)
    _add_votes(state, votes)
    n, m = state.raw.shape
    state.updates += 1
    if n == 0 or m == 0:
        return state
    rating = _zeroed(state, zeroed)
    counts = (~np.isnan(rating if method.count_votes_on_zeroed else state.raw)).sum(axis=1)
    state.in_conv = _in_conv(state, counts, method)
    seen = ~np.isnan(rating)
    if method.mean_imputation:
        means = np.where(seen, rating, 0.0).sum(axis=0) / np.maximum(seen.sum(axis=0), 1)
        mat = np.where(seen, rating, means)
    else:
        mat = np.where(seen, rating, 0.0)
    state.center, state.comps = _pca(mat, state.comps, method.pca_iters, rng)
    state.proj = _project(rating, state.center, state.comps)
    rows = np.array([i for i, p in enumerate(state.rows) if p in state.in_conv], dtype=np.int64)
    if len(rows) == 0:
        return state
    people = _Data([state.rows[i] for i in rows], state.proj[rows], None)
    state.base_clusters = kmeans(
        people, method.base_k, last=state.base_clusters or None, max_iters=method.base_iters
    )
    _group(state, method)
    return state


def _group(state: PolisState, method: PolisMethod) -> None:
    bases = state.base_clusters
    ids = [c.id for c in bases]
    centers = np.array([c.center for c in bases])
    weights = np.array([len(c.members) for c in bases], dtype=np.float64)
    data = _Data(ids, centers, weights)
    max_k = min(method.max_k, 2 + len(bases) // 12)
    dist = np.sqrt(((centers[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2))
    clusterings: dict[int, list[Cluster]] = {}
    silhouettes: dict[int, float] = {}
    for k in range(2, max_k + 1):
        clusterings[k] = kmeans(data, k, last=state.group_clusterings.get(k), max_iters=method.group_iters)
        silhouettes[k] = silhouette(dist, data.index, clusterings[k])
    state.group_clusterings, state.silhouettes = clusterings, silhouettes
    if not clusterings:
        state.smoothed_k = None
        return
    this_k = max(sorted(clusterings), key=lambda k: (silhouettes[k], k))  # max-key keeps the last
    same = state.last_k is not None and this_k == state.last_k
    count = state.last_k_count + 1 if same else 1
    smoothed = this_k if count >= method.k_buffer else (state.smoothed_k or this_k)
    if smoothed not in clusterings:
        smoothed = this_k
    state.last_k, state.last_k_count, state.smoothed_k = this_k, count, smoothed
