"""Carry curated themes across runs: match a new run's themes to the previous ones.

Score = weight x centroid cosine + (1 - weight) x member Jaccard; one-to-one (Hungarian) above a threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from clustering.results import Theme


@dataclass
class CuratedTheme:
    key: str  # the app's identity for the theme (its database id)
    name: str
    centroid: np.ndarray
    member_ids: list[str] = field(default_factory=list)


@dataclass
class Alignment:
    matches: dict[int, str]  # new theme index -> curated key
    names: dict[int, str]  # new theme index -> name to show (curated name, or the new label)
    scores: dict[int, float]
    new_theme_indices: list[int]
    unmatched_keys: list[str]


def _jaccard(a: list[str], b: list[str]) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb) if sa or sb else 0.0


def align(
    *, previous: list[CuratedTheme], themes: list[Theme], threshold: float = 0.5, weight: float = 0.6
) -> Alignment:
    if not previous or not themes:
        return Alignment(
            {}, {t.index: t.label for t in themes}, {}, [t.index for t in themes], [p.key for p in previous]
        )
    from scipy.optimize import linear_sum_assignment

    old = np.stack([p.centroid / (np.linalg.norm(p.centroid) or 1.0) for p in previous])
    new = np.stack([t.centroid / (np.linalg.norm(t.centroid) or 1.0) for t in themes])
    overlap = np.array([[_jaccard(t.member_ids, p.member_ids) for p in previous] for t in themes])
    score = weight * (new @ old.T) + (1 - weight) * overlap
    rows, cols = linear_sum_assignment(-score)
    matches: dict[int, str] = {}
    scores: dict[int, float] = {}
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        if score[r, c] >= threshold:
            matches[themes[r].index] = previous[c].key
            scores[themes[r].index] = float(score[r, c])
    name_of = {p.key: p.name for p in previous}
    names = {t.index: name_of[matches[t.index]] if t.index in matches else t.label for t in themes}
    return Alignment(
        matches=matches,
        names=names,
        scores=scores,
        new_theme_indices=[t.index for t in themes if t.index not in matches],
        unmatched_keys=[p.key for p in previous if p.key not in set(matches.values())],
    )
