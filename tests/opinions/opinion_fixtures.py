"""Vote data with planted camps (a helper module for the opinion tests)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Planted:
    votes: list[tuple[int, int, int]]
    camp: dict[int, int]
    """participant -> planted camp"""
    stance: np.ndarray
    """(camps, statements) of +1 / -1"""
    consensus: tuple[int, ...]
    """statements every camp agrees with"""


def planted_votes(
    *,
    camps: int = 2,
    per_camp: int = 30,
    statements: int = 20,
    consensus: int = 4,
    seen: int = 16,
    follow: float = 0.9,
    seed: int = 3,
) -> Planted:
    """Each camp agrees with its own side of every statement (with probability `follow`, else a random
    vote); the first `consensus` statements are agreed by every camp. Each participant votes on `seen`."""
    rng = np.random.default_rng(seed)
    stance = np.ones((camps, statements), dtype=int)
    for j in range(consensus, statements):
        # every camp takes a side; make sure the camps do not all take the same one
        sides = rng.choice([-1, 1], size=camps)
        while camps > 1 and len(set(sides)) == 1:
            sides = rng.choice([-1, 1], size=camps)
        stance[:, j] = sides
    votes: list[tuple[int, int, int]] = []
    camp: dict[int, int] = {}
    for c in range(camps):
        for k in range(per_camp):
            pid = c * per_camp + k
            camp[pid] = c
            for j in sorted(rng.choice(statements, size=seen, replace=False)):
                vote = stance[c, j] if rng.random() < follow else rng.choice([-1, 0, 1])
                votes.append((pid, int(j), int(vote)))
    return Planted(votes=votes, camp=camp, stance=stance, consensus=tuple(range(consensus)))
