"""Anyone can score the pipeline on a labelled CSV; a broken CSV is refused with its line numbers."""

import json

import pytest

from clustering import Pipeline
from clustering.evaluate import EvaluationInputError, clustering_accuracy, evaluate, main, read_labelled_csv
from tests.clustering.corpus import LABELS, TEXTS


def test_a_csv_without_a_label_column_is_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("text,topic\nhello,a\n")

    with pytest.raises(EvaluationInputError, match="line 1: missing column.*label"):
        read_labelled_csv(path)


def test_empty_rows_are_refused_with_their_line_numbers(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("text,label\nfine,a\n,b\nalso fine,c\nno label,\n")

    with pytest.raises(EvaluationInputError, match=r"line\(s\) 3, 5"):
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
