"""Pol.is's 2-D projection (math/src/polismath/math/pca.clj), computed on the sparse matrix.

Pol.is fills each unseen cell with its statement's mean vote, centres the columns, takes two principal
components and projects each participant through the cells they actually voted on, scaled by
sqrt(statements / votes) so that people who voted on little are not pulled to the centre. Once filled
and centred, unseen cells are exactly zero, so the centred matrix keeps the vote matrix's sparsity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import svds

from opinions.matrix import VoteMatrix
from opinions.results import Id

DENSE_LIMIT = 250_000
"""Matrices with at most this many cells use a dense SVD; larger ones use ARPACK on the sparse matrix."""


@dataclass(frozen=True)
class Projection:
    center: np.ndarray
    """Mean vote per statement (over those who voted on it)."""
    components: np.ndarray
    """(2, statements) unit principal directions; a zero row where the data has fewer dimensions."""
    coordinates: np.ndarray
    """(participants, 2) sparsity-aware projections."""


def centred_votes(matrix: VoteMatrix) -> tuple[sp.csr_matrix, np.ndarray]:
    """The column-mean-imputed, centred matrix (sparse) and the column means."""
    values = matrix.values
    seen_per_statement = np.bincount(values.indices, minlength=values.shape[1])
    sums = np.bincount(values.indices, weights=values.data, minlength=values.shape[1])
    center = sums / np.maximum(seen_per_statement, 1)
    centred = sp.csr_matrix(
        (values.data - center[values.indices], values.indices, values.indptr), values.shape
    )
    return centred, center


def _principal_directions(centred: sp.csr_matrix, *, seed: int) -> np.ndarray:
    n, m = centred.shape
    k = min(2, n, m)
    if n * m <= DENSE_LIMIT or min(n, m) <= k + 1:
        _, s, vt = np.linalg.svd(centred.toarray(), full_matrices=False)
        comps = vt[:k]
        s = s[:k]
    else:
        v0 = np.full(min(n, m), 1.0 / np.sqrt(min(n, m)))
        _, s, vt = svds(centred, k=k, v0=v0, solver="arpack", random_state=seed)
        order = np.argsort(-s)
        comps, s = vt[order], s[order]
    comps = np.where((s > 1e-9 * max(float(s.max(initial=0.0)), 1e-300))[:, None], comps, 0.0)
    out = np.zeros((2, m))
    out[: comps.shape[0]] = comps
    return out


def _orient(
    comps: np.ndarray,
    statement_ids: Sequence[Id],
    previous_ids: Sequence[Id],
    previous: Sequence[Sequence[float]],
) -> np.ndarray:
    """Fix each component's sign: agree with the previous run's where given, else largest loading > 0."""
    index = {s: j for j, s in enumerate(statement_ids)}
    shared = [(index[s], i) for i, s in enumerate(previous_ids) if s in index]
    out = comps.copy()
    for c in range(out.shape[0]):
        sign = 0.0
        if shared and c < len(previous):
            new_idx, old_idx = (np.array(x) for x in zip(*shared, strict=True))
            sign = float(np.sign(out[c, new_idx] @ np.asarray(previous[c])[old_idx]))
        if sign == 0.0:
            sign = float(np.sign(out[c, np.argmax(np.abs(out[c]))])) or 1.0
        out[c] *= sign
    return out


def project(
    matrix: VoteMatrix,
    *,
    seed: int = 0,
    previous_ids: Sequence[Id] = (),
    previous_components: Sequence[Sequence[float]] = (),
) -> Projection:
    """PCA of the imputed matrix and Pol.is's sparsity-aware participant projection."""
    centred, center = centred_votes(matrix)
    comps = _principal_directions(centred, seed=seed)
    comps = _orient(comps, matrix.statement_ids, previous_ids, previous_components)
    n_statements = matrix.shape[1]
    scale = np.sqrt(n_statements / np.maximum(matrix.votes_per_participant(), 1))
    coordinates = np.asarray(centred @ comps.T) * scale[:, None]
    return Projection(center=center, components=comps, coordinates=coordinates)
