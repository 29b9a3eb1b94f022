"""Fine and coarse corpora alike: many small topics give many themes, a few broad topics give few.

First with hand-made vectors (no model, no UMAP): each topic is a tight cloud around its own direction;
then with the real model on small generated corpora."""

import random

import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from clustering import Pipeline, PipelineParams
from clustering.cluster import HdbscanClusterer, candidate_sizes
from clustering.reduce import NoReduction
from clustering.synthetic import BROAD_TECH_TOPICS, generate
from crowd.demo.texts import write_comment, write_idea
from crowd.demo.topics import SECTION_KEYS, TOPICS


def _topics(*, count: int, size: int, spread: float, dims: int = 12, seed: int = 0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(count, dims))
    rows = np.repeat(np.arange(count), size)
    vectors = centres[rows] / np.linalg.norm(centres[rows], axis=1, keepdims=True)
    vectors = vectors + rng.normal(0, spread, vectors.shape)
    texts = [f"topic {t} point {i}" for i, t in enumerate(rows)]
    return texts, [str(t) for t in rows], vectors.astype(np.float32)


def _run(texts, vectors, params=None):
    ids = [str(i) for i in range(len(texts))]
    pipeline = Pipeline(reducer=NoReduction(), params=params or PipelineParams())
    return ids, pipeline.run(texts=texts, ids=ids, vectors=vectors)


def test_a_corpus_of_many_small_topics_gets_many_small_themes():
    # 100 topics of 15: the old default (smallest theme = n/80 = 19) could not hold one of them
    texts, labels, vectors = _topics(count=100, size=15, spread=0.03)

    ids, result = _run(texts, vectors)

    assert 90 <= len(result.themes) <= 110
    assert normalized_mutual_info_score(labels, result.labels_for(ids)) >= 0.95
    assert result.params["min_cluster_size"] < 15


def test_a_corpus_of_a_few_broad_topics_gets_a_few_large_themes():
    texts, labels, vectors = _topics(count=4, size=400, spread=0.12, seed=1)

    ids, result = _run(texts, vectors)

    assert 4 <= len(result.themes) <= 6
    assert normalized_mutual_info_score(labels, result.labels_for(ids)) >= 0.9


def test_a_smallest_theme_size_set_by_hand_is_kept():
    texts, _, vectors = _topics(count=100, size=15, spread=0.03)

    _, result = _run(texts, vectors, PipelineParams(min_cluster_size=40))

    assert result.params["min_cluster_size"] == 40
    assert all(theme.size >= 40 for theme in result.themes)


def test_the_search_records_each_size_it_tried_and_keeps_the_best():
    _, _, vectors = _topics(count=20, size=30, spread=0.03)
    clusterer = HdbscanClusterer()

    clusterer.fit_predict(vectors)

    tried = [t["min_cluster_size"] for t in clusterer.tried]
    assert tried == candidate_sizes(600)[: len(tried)]
    assert len(tried) == len(candidate_sizes(600)) or clusterer.tried[-1]["themes"] < 3
    assert clusterer.chosen_min_cluster_size in tried
    best = max(clusterer.tried, key=lambda t: t["score"])
    assert best["min_cluster_size"] == clusterer.chosen_min_cluster_size
    assert best["themes"] == 20


def test_candidate_sizes_grow_by_half_up_to_a_tenth_of_the_corpus():
    assert candidate_sizes(40) == [5]
    assert candidate_sizes(1000) == [5, 8, 11, 17, 25, 38, 57, 85]


def test_when_eom_lumps_the_corpus_at_every_size_the_search_tries_leaf_selection():
    _, _, vectors = _topics(count=20, size=30, spread=0.03)
    clusterer = HdbscanClusterer(min_themes=50)  # more than the corpus holds: every eom result "lumps"

    labels = clusterer.fit_predict(vectors)

    assert {t["selection"] for t in clusterer.tried} == {"eom", "leaf"}
    assert len(labels) == 600


# With the real model and the default UMAP + HDBSCAN: what a user sees of the granularity.


def _embedded_run(embedder, texts):
    ids = [str(i) for i in range(len(texts))]
    result = Pipeline().run(texts=texts, ids=ids, vectors=embedder.embed(texts))
    return ids, result


@pytest.mark.slow
def test_question_titles_of_four_broad_subjects_get_a_few_themes(embedder):
    # four subjects (web sites, data, languages, tools), each pooling the words of five narrow tags
    texts, labels = generate(n=800, seed=4, topics=BROAD_TECH_TOPICS)

    ids, result = _embedded_run(embedder, texts)

    assert 3 <= len(result.themes) <= 6
    assert normalized_mutual_info_score(labels, result.labels_for(ids)) >= 0.75


@pytest.mark.slow
def test_question_titles_of_twenty_narrow_tags_get_about_twenty_themes(embedder):
    texts, labels = generate(n=600, seed=5)  # 20 tags, 30 titles each

    ids, result = _embedded_run(embedder, texts)

    assert 15 <= len(result.themes) <= 28
    assert normalized_mutual_info_score(labels, result.labels_for(ids)) >= 0.8


@pytest.mark.slow
def test_a_workshop_with_many_near_identical_replies_is_not_split_into_a_theme_per_wording(embedder):
    # 1,200 ideas and comments written as the demo writes them, about its 23 subtopics: comments repeat
    # one sentence of an idea ("Yes and ...", "Agree with every word of this"), so dozens of near-identical
    # small groups appear; they used to be 73 themes here (and 169 in the demo's 2,250)
    rng = random.Random(8)
    subtopics = [s for key in SECTION_KEYS for s in TOPICS[key]]
    texts = []
    for i in range(1200):
        write = write_idea if rng.random() < 0.45 else write_comment
        texts.append(write(rng, topic=subtopics[i % len(subtopics)], role="staff").text)

    _, result = _embedded_run(embedder, texts)

    assert 15 <= len(result.themes) <= 40


def test_the_size_search_cutting_one_tree_finds_the_themes_separate_fits_find(monkeypatch):
    from clustering.cluster import HdbscanClusterer

    rng = np.random.default_rng(5)
    centres = rng.normal(0, 3, size=(12, 5))
    points = np.concatenate([rng.normal(c, 0.4, size=(rng.integers(20, 200), 5)) for c in centres])

    cut = HdbscanClusterer(min_samples=6)
    labels = cut.fit_predict(points)
    monkeypatch.setattr(HdbscanClusterer, "_tree", lambda self, points, size: None)  # a fit per size
    fitted = HdbscanClusterer(min_samples=6)

    assert np.array_equal(labels, fitted.fit_predict(points))
    assert cut.tried == fitted.tried and cut.chosen_min_cluster_size == fitted.chosen_min_cluster_size
    assert len(set(labels.tolist()) - {-1}) >= 8
