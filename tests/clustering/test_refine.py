"""Iterative classification of each theme's outer members (clustering.refine): a contribution the map put
at the edge of the wrong theme moves to the theme its words belong to; cores, unthemed contributions and
contributions without a known word stay where they are."""

import numpy as np
import pytest

from clustering import Pipeline, PipelineParams
from clustering.refine import refine_boundaries
from clustering.results import UNTHEMED
from clustering.synthetic import CARE_TOPICS, generate


def _unit(vectors):
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.mark.slow
def test_a_gp_idea_placed_at_the_edge_of_the_carers_theme_moves_to_the_gp_theme(embedder):
    # four care topics of 60 ideas; three GP ideas are put in the carers' theme, as a clusterer does with
    # contributions on a boundary: by their vectors they are its outermost members
    texts, truth = generate(n=240, seed=3, topics=CARE_TOPICS[:4], kind="care")
    vectors = _unit(embedder.embed(texts))
    names = sorted(set(truth))
    labels = np.array([names.index(t) for t in truth])
    gp, carers = names.index("gp-access"), names.index("carers")
    misplaced = np.random.default_rng(0).choice(np.flatnonzero(labels == gp), size=3, replace=False)
    placed = labels.copy()
    placed[misplaced] = carers

    refined = refine_boundaries(texts=texts, vectors=vectors, labels=placed)

    assert [texts[i] for i in misplaced if refined[i] != gp] == []
    assert (refined == labels).mean() >= (placed == labels).mean()
    assert set(refined.tolist()) == set(placed.tolist())  # no theme lost


def _three_themes():
    rng = np.random.default_rng(0)
    directions = np.repeat(np.eye(8)[:3] * 3.0, 30, axis=0)
    vectors = _unit(rng.normal(size=(90, 8)) + directions)
    texts = (
        ["GP appointment phone queue surgery"] * 30
        + ["carer break respite caring"] * 30
        + ["bus fare hospital transport"] * 30
    )
    labels = np.repeat([0, 1, 2], 30)
    return texts, vectors, labels


def test_an_outer_member_moves_by_its_words_while_cores_and_unthemed_contributions_stay():
    texts, vectors, labels = _three_themes()
    gp_words = texts[0]
    texts[40], vectors[40] = gp_words, vectors[1]  # in the carers' theme, at its edge (beside the GP ideas)
    texts[45] = gp_words  # in the carers' theme with GP words, but at its centre: part of its core
    vectors[45] = _unit(vectors[30:60].mean(axis=0, keepdims=True))[0]
    labels[5] = UNTHEMED  # noise: the reassignment rule decides who joins a theme, not the classifier

    refined = refine_boundaries(texts=texts, vectors=vectors, labels=labels)

    assert refined[40] == 0
    assert refined[45] == 1
    assert refined[5] == UNTHEMED
    assert np.flatnonzero(refined != labels).tolist() == [40]


def test_a_contribution_without_a_known_word_keeps_its_theme():
    texts, vectors, labels = _three_themes()
    texts[40] = "zzz"  # occurs once: not in the vocabulary
    vectors[40] = -vectors[35]  # as far from the carers' centre as it can be: outside the core

    refined = refine_boundaries(texts=texts, vectors=vectors, labels=labels)

    assert refined[40] == 1


def test_one_theme_or_words_that_tell_no_theme_apart_change_nothing():
    texts, vectors, labels = _three_themes()
    one = np.zeros(90, dtype=int)
    assert np.array_equal(refine_boundaries(texts=texts, vectors=vectors, labels=one), one)
    stop_words = ["the and of"] * 90
    assert np.array_equal(refine_boundaries(texts=stop_words, vectors=vectors, labels=labels), labels)
    same_words = [f"topic point {i}" for i in range(90)]  # words in every text tell no theme apart
    assert np.array_equal(refine_boundaries(texts=same_words, vectors=vectors, labels=labels), labels)


def test_the_pipeline_refines_by_default_and_can_be_told_not_to():
    assert PipelineParams().refine_core == 0.95
    pipeline = Pipeline(params=PipelineParams(refine_core=None))
    assert pipeline.effective_params(100)["refine_core"] is None
