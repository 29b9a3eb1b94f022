"""Iterative classification of each theme's outer members (after Rakib et al. 2020, "Enhancement of short
text clustering by iterative classification").

The clusterer draws theme boundaries in the UMAP map, from the embedding alone. Here each theme's
confident core (the ``core`` share of its members closest to its centre in the full embedding space, 95%;
90% in a broad theme of 200 or more, whose edge is wider) is taken as training data for a word classifier (TF-IDF and complement naive Bayes), which reclassifies the
outer members: a contribution at a theme's edge whose words belong to another theme moves there. Repeated
until fewer than ``tol`` of the themed contributions change (at most ``rounds`` times). The words are a
second view of the text beside the embedding; a classifier on the embedding itself (nearest core centre
or logistic regression, in the full space) pulled the themes towards k-means' and lost 0.01-0.25 NMI.

Unthemed contributions stay unthemed (the noise rule decides who joins a theme); a core member never
moves, so no theme disappears; a contribution with no telling word (none in 2 texts to half of them)
keeps its theme, and so does one whose own theme scores as well as any other. Deterministic (no
random step) and cheap: about 0.3 s of CPU for 10,000 texts.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from clustering.results import UNTHEMED


def refine_boundaries(
    *,
    texts: Sequence[str],
    vectors: np.ndarray,
    labels: np.ndarray,
    core: float = 0.95,
    broad_core: float = 0.9,
    broad: int = 200,
    rounds: int = 5,
    tol: float = 0.005,
    alpha: float = 0.3,
) -> np.ndarray:
    """New labels: each theme's outer ``1 - core`` share (by cosine to its centre; ``vectors`` unit length),
    ``1 - broad_core`` for a theme of ``broad`` members or more, reclassified by a classifier trained on
    every theme's core. ``labels`` is not changed."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.naive_bayes import ComplementNB

    out = np.asarray(labels).copy()
    themed = out != UNTHEMED
    if len(set(out[themed].tolist())) < 2:
        return out
    try:
        words = TfidfVectorizer(sublinear_tf=True, min_df=2, max_df=0.5, stop_words="english").fit_transform(
            texts
        )
    except ValueError:  # no word in 2 texts to half of them, outside the stop words: nothing to learn from
        return out
    has_words = np.diff(words.indptr) > 0
    for _ in range(rounds):
        inner = _core(vectors, out, core, broad_core, broad)
        movable = np.flatnonzero(themed & ~inner & has_words)
        train = inner & has_words
        if movable.size == 0 or len(set(out[train].tolist())) < 2:
            break
        model = ComplementNB(alpha=alpha).fit(words[train], out[train])
        scores = model.predict_joint_log_proba(words[movable])
        column = {label: j for j, label in enumerate(model.classes_.tolist())}
        best = scores.argmax(axis=1)
        own = np.array([column.get(label, -1) for label in out[movable].tolist()])
        own_score = np.where(own >= 0, scores[np.arange(movable.size), np.maximum(own, 0)], -np.inf)
        better = scores[np.arange(movable.size), best] > own_score + 1e-9  # a tie keeps the theme
        changed = int(better.sum())
        out[movable[better]] = model.classes_[best[better]]
        if changed < tol * themed.sum():
            break
    return out


def _core(
    vectors: np.ndarray, labels: np.ndarray, share: float, broad_share: float, broad: int
) -> np.ndarray:
    """Mask of each theme's ``share`` of members (``broad_share`` in a theme of ``broad`` or more; rounded
    up) most similar to the theme's unit mean."""
    mask = np.zeros(labels.shape[0], dtype=bool)
    for label in set(labels.tolist()) - {UNTHEMED}:
        rows = np.flatnonzero(labels == label)
        centre = vectors[rows].mean(axis=0)
        centre = centre / (np.linalg.norm(centre) or 1.0)
        keep = int(np.ceil((broad_share if rows.size >= broad else share) * rows.size))
        mask[rows[np.argsort(-(vectors[rows] @ centre), kind="stable")[:keep]]] = True
    return mask
