"""Anyone can score the pipeline on a labelled CSV; a broken CSV is refused with its line numbers."""

import json

import numpy as np
import pytest

from clustering import Pipeline
from clustering.evaluate import (
    EvaluationInputError,
    clustering_accuracy,
    evaluate,
    label_hit,
    labels_are_words,
    main,
    read_labelled_csv,
)
from clustering.reduce import NoReduction
from tests.clustering.corpus import LABELS, TEXTS


def test_a_csv_without_a_label_column_is_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("text,topic\nhello,a\n")

    with pytest.raises(EvaluationInputError, match="line 1: missing column.*label"):
        read_labelled_csv(path)


def test_rows_without_a_label_are_refused_with_their_line_numbers(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("text,label\nfine,a\nno label,\nalso fine,c\nnone either,\n")

    with pytest.raises(EvaluationInputError, match=r"empty label on line\(s\) 3, 5"):
        read_labelled_csv(path)


def test_the_command_prints_the_refusal_as_json_and_exits_non_zero(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("words\nhello\n")

    assert main([str(path)]) == 2
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert "missing column" in json.loads(last)["error"]


def test_hungarian_accuracy_ignores_how_clusters_are_numbered():
    assert clustering_accuracy(["a", "a", "b", "b"], [7, 7, 3, 3]) == 1.0
    assert clustering_accuracy(["a", "a", "b", "b"], [1, 1, 1, 1]) == 0.5


@pytest.mark.slow
def test_evaluation_reports_every_figure(embedder, corpus_vectors):
    figures = evaluate(
        texts=TEXTS,
        labels=LABELS,
        pipeline=Pipeline(embedder=embedder),
        vectors=corpus_vectors,
    )

    assert {"nmi", "ari", "acc", "noise_share", "themes", "npmi", "diversity", "seconds"} <= set(figures)
    assert figures["nmi"] >= 0.7
    assert -1.0 <= figures["npmi"] <= 1.0
    assert 0.0 < figures["diversity"] <= 1.0


def test_label_hit_counts_classes_whose_matched_theme_is_named_with_the_class_word():
    labels = ["svn"] * 4 + ["visual-studio"] * 4 + ["matlab"] * 4
    predicted = [0, 0, 0, 1] + [1, 1, 1, 1] + [2, 2, -1, -1]
    names = {0: "Merge a branch in SVN", 1: "Visual Studio solution explorer", 2: "Plot a figure"}

    # svn -> theme 0 (named), visual-studio -> theme 1 (hyphen read as a space), matlab -> theme 2 (not named)
    assert label_hit(labels=labels, predicted=predicted, names=names) == round(2 / 3, 4)


def test_label_hit_needs_the_whole_word_and_counts_a_class_without_a_theme_as_a_miss():
    labels = ["qt"] * 3 + ["bash"] * 3
    predicted = [0, 0, 0, -1, -1, -1]

    assert label_hit(labels=labels, predicted=predicted, names={0: "Qt widgets"}) == 0.5
    assert label_hit(labels=labels, predicted=predicted, names={0: "Quite a question"}) == 0.0


def test_numeric_labels_are_not_words():
    assert labels_are_words(["svn", "visual-studio", "c#"])
    assert not labels_are_words(["17", "65", "svn"])


def _separated_corpus(n_per: int = 12):
    """Three well-separated groups with word labels and hand-made vectors (no model needed)."""
    rng = np.random.default_rng(0)
    words = {"svn": "svn branch merge", "matlab": "matlab matrix plot", "excel": "excel sheet formula"}
    texts, labels, rows = [], [], []
    for k, (label, phrase) in enumerate(words.items()):
        for i in range(n_per):
            texts.append(f"{phrase} question {i}")
            labels.append(label)
            vector = np.zeros(16)
            vector[k] = 1.0
            rows.append(vector + rng.normal(0, 0.05, 16))
    return texts, labels, np.array(rows, dtype=np.float32)


def test_evaluation_lists_each_theme_with_its_majority_class_and_purity():
    texts, labels, vectors = _separated_corpus()

    figures = evaluate(texts=texts, labels=labels, pipeline=Pipeline(reducer=NoReduction()), vectors=vectors)

    rows = figures["per_theme"]
    assert len(rows) == figures["themes"] == 3
    assert sorted(r["majority"] for r in rows) == ["excel", "matlab", "svn"]
    assert all(r["purity"] == 1.0 and r["size"] == 12 for r in rows)
    assert figures["names"] == [r["name"] for r in rows]
    assert 0.0 <= figures["label_hit"] <= 1.0


def test_the_command_prints_a_theme_table_then_one_json_line_with_names_and_label_hit(
    tmp_path, capsys, monkeypatch
):
    texts, labels, vectors = _separated_corpus()
    path, npy = tmp_path / "set.csv", tmp_path / "set.npy"
    path.write_text("text,label\n" + "".join(f"{t},{lab}\n" for t, lab in zip(texts, labels, strict=True)))
    np.save(npy, vectors)
    monkeypatch.setattr("clustering.embed.OnnxEmbedder", lambda: None)  # vectors given: no model needed

    assert main([str(path), "--vectors", str(npy), "--reference"]) == 0

    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].split("\t") == ["theme", "size", "majority", "purity", "name"]
    assert len(lines) == 1 + 3 + 1
    assert lines[1].split("\t")[1] == "12"
    last = json.loads(lines[-1])
    assert {"nmi", "label_hit", "names", "kmeans_nmi", "timings", "min_cluster_size"} <= set(last)
    assert "per_theme" not in last
    assert len(last["names"]) == 3
    assert last["kmeans_nmi"] == 1.0


def test_vectors_that_do_not_match_the_csv_are_refused(tmp_path, capsys):
    path, npy = tmp_path / "set.csv", tmp_path / "set.npy"
    path.write_text("text,label\nhello,a\nworld,b\n")
    np.save(npy, np.zeros((3, 4), dtype=np.float32))

    assert main([str(path), "--vectors", str(npy)]) == 2
    assert "3 vectors but" in json.loads(capsys.readouterr().out.strip().splitlines()[-1])["error"]


def test_a_blank_text_is_kept_as_an_unthemed_row_not_refused(tmp_path):
    path = tmp_path / "set.csv"
    path.write_text("text,label\nfine,a\n,b\n")

    assert read_labelled_csv(path) == (["fine", ""], ["a", "b"])
