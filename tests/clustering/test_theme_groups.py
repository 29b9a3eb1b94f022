"""Themes are grouped into candidate foundations by how their members sit beside each other."""

import numpy as np

from clustering import theme_groups
from clustering.foundations import candidate_foundations
from clustering.results import UNTHEMED, Theme
from clustering.theme_groups import group_by_affinity, theme_affinity


def _arc(rng, start: float, end: float, n: int, plane: tuple[int, int], dims: int = 8) -> np.ndarray:
    """n unit vectors at angles from start to end (degrees) in one plane, with a little noise."""
    angles = np.radians(np.linspace(start, end, n))
    points = np.zeros((n, dims))
    points[:, plane[0]], points[:, plane[1]] = np.cos(angles), np.sin(angles)
    points += rng.normal(scale=0.01, size=points.shape)
    return points / np.linalg.norm(points, axis=1, keepdims=True)


def _pairs(rng, planes=((0, 1), (2, 3), (4, 5))):
    """Themes 2i and 2i + 1 run on into each other along one arc per plane: each pair touches, the
    pairs lie apart."""
    parts = [_arc(rng, a, b, 40, plane) for plane in planes for a, b in ((0, 40), (41, 80))]
    return np.vstack(parts), np.repeat(np.arange(len(parts)), 40)


def test_themes_whose_members_are_neighbours_are_grouped_together():
    vectors, labels = _pairs(np.random.default_rng(0), planes=((0, 1), (2, 3)))
    affinity = theme_affinity(vectors=vectors, labels=labels, themes=[0, 1, 2, 3])
    assert np.allclose(affinity, affinity.T) and np.all(np.diag(affinity) == 0)
    assert affinity[0, 1] > 0 and affinity[2, 3] > 0
    assert affinity[0, 2] == affinity[1, 3] == 0
    groups = group_by_affinity(affinity, 2)
    assert groups[0] == groups[1] != groups[2] == groups[3]


def test_unthemed_rows_and_themes_left_out_are_nobodys_neighbours():
    vectors, labels = _pairs(np.random.default_rng(1), planes=((0, 1), (2, 3)))
    labels = labels.copy()
    labels[30:50] = UNTHEMED  # where themes 0 and 1 meet
    affinity = theme_affinity(vectors=vectors, labels=labels, themes=[0, 2, 3])
    assert affinity.shape == (3, 3)
    assert affinity[0, 1] == affinity[0, 2] == 0  # theme 1 is not asked about; theme 0 touches nothing else
    assert affinity[1, 2] > 0


def test_a_large_corpus_is_sampled_the_same_way_every_run(monkeypatch):
    vectors, labels = _pairs(np.random.default_rng(2), planes=((0, 1), (2, 3)))
    monkeypatch.setattr(theme_groups, "SAMPLE", 100)
    sampled = theme_affinity(vectors=vectors, labels=labels, themes=[0, 1, 2, 3])
    assert np.array_equal(sampled, theme_affinity(vectors=vectors, labels=labels, themes=[0, 1, 2, 3]))
    groups = group_by_affinity(sampled, 2)
    assert groups[0] == groups[1] != groups[2] == groups[3]


def test_candidate_foundations_group_by_the_members_not_the_centroids():
    vectors, labels = _pairs(np.random.default_rng(3))
    # centroids that pair the themes the wrong way: theme 1 beside theme 2, theme 3 beside theme 4 ...
    wrong = {i: vectors[labels == (i + 1) // 2 * 2 % 6].mean(axis=0) + 0.01 * i for i in range(6)}
    themes = [
        Theme(
            index=i,
            label=f"Theme number {i}",
            keywords=[],
            member_ids=[str(r) for r in np.flatnonzero(labels == i)],
            representative_ids=[],
            centroid=wrong[i] / np.linalg.norm(wrong[i]),
        )
        for i in range(6)
    ]
    by_members = candidate_foundations(themes=themes, texts_by_id={}, vectors=vectors, labels=labels)
    assert sorted(sorted(d.theme_indices) for d in by_members) == [[0, 1], [2, 3], [4, 5]]
    by_centroids = candidate_foundations(themes=themes, texts_by_id={})
    assert sorted(sorted(d.theme_indices) for d in by_centroids) != [[0, 1], [2, 3], [4, 5]]


def test_neighbours_found_in_chunks_are_the_neighbours_found_at_once(monkeypatch):
    vectors, labels = _pairs(np.random.default_rng(4))
    whole = theme_affinity(vectors=vectors, labels=labels, themes=list(range(6)))
    monkeypatch.setattr(theme_groups, "CHUNK", 7)
    assert np.allclose(theme_affinity(vectors=vectors, labels=labels, themes=list(range(6))), whole)


def test_themes_that_touch_nothing_still_make_the_groups_asked_for():
    """Themes far apart (no member has a neighbour in another theme) are grouped without a warning or an
    empty group: each draft holds at least one theme."""
    for n, k in ((4, 3), (5, 3), (8, 4)):
        groups = group_by_affinity(np.zeros((n, n)), k)
        assert sorted(set(groups.tolist())) == list(range(k))
