"""Which statement to show a participant next: Pol.is's comment routing.

From compdemocracy/polis (math/src/polismath/math/conversation.clj `comment-priorities`,
`importance-metric`, `priority-metric`; server/src/server.ts `selectProbabilistically`):

    a = (A + 1) / (S + 2)                      smoothed agree share
    p = (P + 1) / (S + 2)                      smoothed pass share
    importance = (1 - p) * (E + 1) * a
    priority = (importance * (1 + 8 * 2 ** (-S / 5))) ** 2

where A, P, S are the statement's agree, pass and seen (voted, passes included) counts and E its
extremity: the length of the statement's own point in the 2-D opinion space (a participant who agreed
with it alone, projected as Pol.is projects participants). The last factor lets new statements bubble
up: up to nine times the weight with no votes, fading with every five votes. A statement that splits
people along the map's axes (large E), that people agree with rather than pass, or that few have seen
is shown more. Pol.is then draws the next statement at random with probability proportional to its
priority, among those the participant has not voted on.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

import numpy as np

from opinions.results import Id

NEW_BOOST = 8.0
"""1 + NEW_BOOST * 2 ** (-seen / NEW_HALF_LIFE): Pol.is's factor for statements with few votes."""
NEW_HALF_LIFE = 5.0


def importance_metric(agree: int, passed: int, seen: int, extremity: float) -> float:
    """Pol.is's importance-metric: (1 - p) * (E + 1) * a with the +1/+2 smoothed shares."""
    p = (passed + 1) / (seen + 2)
    a = (agree + 1) / (seen + 2)
    return (1 - p) * (extremity + 1) * a


def priority_metric(agree: int, passed: int, seen: int, extremity: float) -> float:
    """Pol.is's priority-metric for a statement that is not meta: squared, to deepen the bias."""
    boost = 1 + NEW_BOOST * 2 ** (-seen / NEW_HALF_LIFE)
    return (importance_metric(agree, passed, seen, extremity) * boost) ** 2


def statement_extremity(*, components: Sequence[Sequence[float]], center: Sequence[float]) -> np.ndarray:
    """Pol.is's comment-extremity: |projection of a lone agree vote on each statement|.

    Pol.is's sparsity-aware projection of a participant who voted only on statement j (agree) is
    sqrt(m / 1) * (vote - center_j) * components[:, j]; its length is the extremity. Here agree is +1
    (Pol.is stores agree as -1 and its centre with the same sign, so the length is the same).
    """
    comps = np.asarray(components, dtype=np.float64).reshape(-1, len(center))
    center_arr = np.asarray(center, dtype=np.float64)
    m = len(center_arr)
    if m == 0:
        return np.zeros(0)
    scale = np.sqrt(m) * np.abs(1.0 - center_arr)
    return scale * np.linalg.norm(comps, axis=0)


def choose_next(
    candidates: Sequence[Id],
    priorities: Mapping[Id, float],
    *,
    rng: random.Random | None = None,
) -> Id | None:
    """Draw one candidate with probability proportional to its priority (Pol.is's
    selectProbabilistically); a candidate without a priority weighs 1, as in Pol.is."""
    if not candidates:
        return None
    weights = [max(float(priorities.get(c, 1.0)), 0.0) for c in candidates]
    if sum(weights) <= 0:
        weights = [1.0] * len(candidates)
    return (rng or random).choices(list(candidates), weights=weights, k=1)[0]
