"""Pol.is's comment routing (opinions/routing.py): extremity, priority and the weighted draw."""

from __future__ import annotations

import math
import random

import numpy as np

from opinions.routing import choose_next, priority_metric, statement_extremity


def test_extremity_is_the_length_of_a_lone_agree_vote_projected_as_pol_is_projects_people():
    components = [[0.6, 0.0, 0.8], [0.0, 1.0, 0.0]]
    center = [0.5, -1.0, 1.0]
    extremity = statement_extremity(components=components, center=center)
    m = 3
    # Pol.is: sqrt(m / 1) * (vote - centre) * loadings, vote = agree; its length
    expected = [
        math.sqrt(m) * abs(1 - c) * np.hypot(components[0][j], components[1][j]) for j, c in enumerate(center)
    ]
    assert np.allclose(extremity, expected)
    assert extremity[2] == 0  # everyone already agrees: agreeing says nothing about where you sit


def test_the_draw_follows_the_priorities_and_never_picks_outside_the_candidates():
    rng = random.Random(3)
    picks = [choose_next(["a", "b"], {"a": 9.0, "b": 1.0}, rng=rng) for _ in range(2000)]
    assert set(picks) == {"a", "b"} and 0.85 < picks.count("a") / len(picks) < 0.95
    assert choose_next(["c"], {}, rng=rng) == "c"  # no priority yet: weight 1, as in Pol.is
    assert choose_next(["a", "b"], {"a": 0.0, "b": 0.0}, rng=rng) in {"a", "b"}


def test_new_statements_bubble_up_and_the_boost_fades_every_five_votes():
    boost = [(1 + 8 * 2 ** (-s / 5)) for s in (0, 5, 10)]
    assert boost == [9, 5, 3]
    assert priority_metric(0, 0, 0, 0.0) > priority_metric(2, 0, 5, 0.0) > priority_metric(5, 0, 10, 0.0)
