"""Curated theme names survive re-runs; a new contribution joins the right theme without a re-run."""

import numpy as np
import pytest

from clustering import CuratedTheme, Pipeline, align, assign
from clustering.results import Theme
from tests.clustering.corpus import GROUPS, IDS, LABELS, TEXTS


def _curate(result, names_by_topic):
    """What the design group does: rename each theme after the topic most of its members belong to."""
    topic_of = dict(zip(IDS, LABELS, strict=True))
    curated = []
    for theme in result.themes:
        topics = [topic_of[i] for i in theme.member_ids if i in topic_of]
        topic = max(set(topics), key=topics.count)
        curated.append(
            CuratedTheme(
                key=f"db-{theme.index}",
                name=names_by_topic[topic],
                centroid=theme.centroid,
                member_ids=theme.member_ids,
            )
        )
    return curated


@pytest.mark.slow
def test_a_renamed_theme_keeps_its_name_after_a_rerun_with_new_contributions(embedder, corpus_vectors):
    pipeline = Pipeline()
    first = pipeline.run(texts=TEXTS, ids=IDS, vectors=corpus_vectors)
    curated = _curate(
        first,
        {
            "gp": "Seeing a GP",
            "mental": "Mental health",
            "carers": "Support for carers",
            "transport": "Getting there",
            "language": "Speaking my language",
        },
    )
    added = [
        "I phoned the surgery at 8am for a week and never got a GP appointment.",
        "Carers like me need a proper break from caring.",
        "The hospital car park is too expensive for patients.",
        "Please give my grandmother an interpreter who speaks Gujarati.",
        "Counselling for teenagers should not take a year.",
    ]
    texts, ids = [*TEXTS, *added], [*IDS, *[f"new{i}" for i in range(len(added))]]
    vectors = np.concatenate([corpus_vectors, embedder.embed(added)])

    second = pipeline.run(texts=texts, ids=ids, vectors=vectors)
    alignment = align(previous=curated, themes=second.themes)

    gp_theme = second.assignments["new0"]
    assert alignment.names[gp_theme] == "Seeing a GP"
    assert alignment.names[second.assignments["new1"]] == "Support for carers"
    assert alignment.names[second.assignments["new3"]] == "Speaking my language"
    assert len(set(alignment.matches.values())) == len(alignment.matches), "one-to-one"


def test_a_theme_unlike_any_curated_one_is_reported_as_new():
    x, y, z = np.eye(3)
    curated = [CuratedTheme(key="a", name="Alpha", centroid=x, member_ids=["1", "2"])]
    themes = [
        Theme(
            index=0,
            label="Alpha-ish",
            keywords=[],
            member_ids=["1", "2", "3"],
            representative_ids=[],
            centroid=x + 0.1 * y,
        ),
        Theme(index=1, label="Brand new", keywords=[], member_ids=["9"], representative_ids=[], centroid=z),
    ]

    alignment = align(previous=curated, themes=themes)

    assert alignment.matches == {0: "a"}
    assert alignment.names == {0: "Alpha", 1: "Brand new"}
    assert alignment.new_theme_indices == [1]
    assert alignment.unmatched_keys == []


@pytest.mark.slow
def test_a_newly_arrived_contribution_lands_in_the_right_theme(embedder, corpus_vectors):
    result = Pipeline().run(texts=TEXTS, ids=IDS, vectors=corpus_vectors)
    centroids = {str(t.index): t.centroid for t in result.themes}
    transport = max((t for t in result.themes), key=lambda t: sum(i in t.member_ids for i in IDS[45:60]))
    vector = embedder.embed(["There is never a bus to the hospital and parking costs a fortune."])[0]

    assert assign(vector=vector, centroids=centroids) == str(transport.index)


@pytest.mark.slow
def test_an_unrelated_contribution_stays_unthemed(embedder, corpus_vectors):
    result = Pipeline().run(texts=TEXTS, ids=IDS, vectors=corpus_vectors)
    centroids = {str(t.index): t.centroid for t in result.themes}
    vector = embedder.embed(["How do I rebase a git branch onto master?"])[0]

    assert assign(vector=vector, centroids=centroids, threshold=0.35) is None


def test_assign_with_no_themes_is_unthemed():
    assert assign(vector=np.ones(3), centroids={}) is None


assert len(GROUPS) == 5


def test_an_idea_beside_another_themes_members_touches_it_even_far_from_its_centre():
    from clustering.cluster import secondary_themes

    rng = np.random.default_rng(3)

    def blob(centre, n, spread=0.05):
        points = np.asarray(centre, dtype=float) + spread * rng.normal(size=(n, 3))
        return points / np.linalg.norm(points, axis=1, keepdims=True)

    # both themes are broad: two far-apart wings each, so each centre lies far from every member
    theme0 = np.concatenate([blob([1, 0, 0], 20), blob([0, 1, 0], 20)])
    theme1 = np.concatenate([blob([0, 0, 1], 20), blob([0, -1, 0], 20)])
    edge = blob([0.5, 0.3, 0.8], 1, spread=0.0)  # in theme 0, beside theme 1's upper wing
    middle = blob([0.7, 0.7, 0.0], 1, spread=0.0)  # in theme 0, between its own wings, far from theme 1
    vectors = np.concatenate([theme0, theme1, edge, middle])
    labels = np.array([0] * 40 + [1] * 40 + [0, 0])
    centre0, centre1 = (vectors[labels == t][: -2 if t == 0 else None].mean(axis=0) for t in (0, 1))
    by_centres = edge[0] @ centre0 / np.linalg.norm(centre0) - edge[0] @ centre1 / np.linalg.norm(centre1)
    assert by_centres > 0.1  # the centres alone would not call it touching theme 1

    second = secondary_themes(vectors=vectors, labels=labels, margin=0.1)

    assert second.get(80) == 1
    assert 81 not in second
