"""Score the pipeline on any labelled short-text CSV (columns text,label).

    python -m clustering.evaluate FILE.csv [--embedder onnx|torch] [--vectors FILE.npy]

The pipeline is not told the number of classes. Prints JSON; the last line is one JSON object with nmi, ari,
acc (Hungarian clustering accuracy), noise_share, themes, npmi (topic coherence over the corpus), diversity
(share of unique words across the themes' top-10 keywords) and seconds.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from clustering.pipeline import Pipeline, PipelineParams
from clustering.results import RunResult


class EvaluationInputError(ValueError):
    """A CSV the evaluation refuses, with the offending line numbers in the message."""


def read_labelled_csv(path: str | Path) -> tuple[list[str], list[str]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = [c.strip().lower() for c in reader.fieldnames or []]
        missing = [c for c in ("text", "label") if c not in columns]
        if missing:
            raise EvaluationInputError(
                f"{path}: line 1: missing column(s) {', '.join(missing)}; the header must name text and label"
            )
        reader.fieldnames = columns
        texts, labels, bad = [], [], []
        for row in reader:
            text, label = (row.get("text") or "").strip(), (row.get("label") or "").strip()
            if not text or not label:
                bad.append(reader.line_num)
                continue
            texts.append(text)
            labels.append(label)
    if bad:
        shown = ", ".join(map(str, bad[:20])) + (" ..." if len(bad) > 20 else "")
        raise EvaluationInputError(f"{path}: empty text or label on line(s) {shown}")
    if not texts:
        raise EvaluationInputError(f"{path}: no rows after the header")
    return texts, labels


def clustering_accuracy(truth: Sequence[str], predicted: Sequence[int]) -> float:
    """Best one-to-one mapping of predicted clusters to classes (Hungarian), share of rows it gets right."""
    from scipy.optimize import linear_sum_assignment

    classes = {c: i for i, c in enumerate(sorted(set(truth)))}
    clusters = {c: i for i, c in enumerate(sorted(set(predicted)))}
    table = np.zeros((len(clusters), len(classes)))
    for t, p in zip(truth, predicted, strict=True):
        table[clusters[p], classes[t]] += 1
    rows, cols = linear_sum_assignment(-table)
    return float(table[rows, cols].sum() / max(len(truth), 1))


def npmi_coherence(*, texts: Sequence[str], keyword_lists: Sequence[Sequence[str]], top_n: int = 10) -> float:
    """Mean normalised PMI of keyword pairs, counting co-occurrence within a text of the corpus."""
    from sklearn.feature_extraction.text import CountVectorizer

    words = sorted({w for kws in keyword_lists for k in kws[:top_n] for w in k.split()})
    if not words:
        return 0.0
    present = CountVectorizer(vocabulary=words, binary=True, ngram_range=(1, 1)).fit_transform(texts)
    present = present.tocsc()
    n_docs = present.shape[0]
    index = {w: i for i, w in enumerate(words)}
    topic_scores = []
    for kws in keyword_lists:
        unigrams = list(dict.fromkeys(w for k in kws[:top_n] for w in k.split()))[:top_n]
        pair_scores = []
        for a, b in itertools.combinations(unigrams, 2):
            ca, cb = present[:, index[a]], present[:, index[b]]
            p_a, p_b = ca.sum() / n_docs, cb.sum() / n_docs
            p_ab = ca.multiply(cb).sum() / n_docs
            if p_ab == 0:
                pair_scores.append(-1.0)
            elif p_ab == 1:
                pair_scores.append(1.0)
            else:
                pair_scores.append(math.log(p_ab / (p_a * p_b)) / -math.log(p_ab))
        if pair_scores:
            topic_scores.append(float(np.mean(pair_scores)))
    return float(np.mean(topic_scores)) if topic_scores else 0.0


def topic_diversity(keyword_lists: Sequence[Sequence[str]], *, top_n: int = 10) -> float:
    words = [w for kws in keyword_lists for w in kws[:top_n]]
    return len(set(words)) / len(words) if words else 0.0


def score(
    *, result: RunResult, ids: list[str], texts: list[str], labels: list[str]
) -> dict[str, float | int]:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    predicted = result.labels_for(ids)
    keyword_lists = [t.keywords for t in result.themes]
    return {
        "nmi": round(float(normalized_mutual_info_score(labels, predicted)), 4),
        "ari": round(float(adjusted_rand_score(labels, predicted)), 4),
        "acc": round(clustering_accuracy(labels, predicted), 4),
        "noise_share": round(result.noise_share, 4),
        "themes": len(result.themes),
        "classes": len(set(labels)),
        "npmi": round(npmi_coherence(texts=texts, keyword_lists=keyword_lists), 4),
        "diversity": round(topic_diversity(keyword_lists), 4),
    }


def evaluate(
    *,
    texts: list[str],
    labels: list[str],
    pipeline: Pipeline | None = None,
    vectors: np.ndarray | None = None,
) -> dict[str, object]:
    started = time.perf_counter()
    pipeline = pipeline or Pipeline(params=PipelineParams())
    ids = [str(i) for i in range(len(texts))]
    result = pipeline.run(texts=texts, ids=ids, vectors=vectors)
    figures: dict[str, object] = dict(score(result=result, ids=ids, texts=texts, labels=labels))
    figures["seconds"] = round(time.perf_counter() - started, 2)
    figures["status"] = str(result.status)
    figures["model"] = result.model_name
    figures["timings"] = {k: round(v, 2) for k, v in result.timings.items()}
    return figures


def evaluate_csv(
    path: str | Path, *, embedder: str = "onnx", vectors: str | Path | None = None
) -> dict[str, object]:
    texts, labels = read_labelled_csv(path)
    from clustering.embed import OnnxEmbedder, TorchEmbedder

    chosen = TorchEmbedder() if embedder == "torch" else OnnxEmbedder()
    loaded = np.load(vectors) if vectors else None
    return evaluate(texts=texts, labels=labels, pipeline=Pipeline(embedder=chosen), vectors=loaded)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m clustering.evaluate", description=__doc__.splitlines()[0]
    )
    parser.add_argument("csv", help="CSV file with columns text,label")
    parser.add_argument(
        "--embedder", choices=["onnx", "torch"], default="onnx", help="onnx (default) or torch fp32"
    )
    parser.add_argument("--vectors", help="precomputed embeddings (.npy, one row per CSV row)")
    args = parser.parse_args(argv)
    try:
        figures = evaluate_csv(args.csv, embedder=args.embedder, vectors=args.vectors)
    except (EvaluationInputError, FileNotFoundError) as exc:
        print(json.dumps({"error": str(exc)}))
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
