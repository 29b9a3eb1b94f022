"""Score the pipeline on any labelled short-text CSV (columns text,label).

    python -m clustering.evaluate FILE.csv [--embedder onnx|torch] [--vectors FILE.npy] [--reference]

The pipeline is not told the number of classes. Prints one line per theme (index, size, majority class, purity,
name), then, as the last line, one JSON object with nmi, ari, acc (Hungarian clustering accuracy), noise_share,
themes, npmi (topic coherence over the corpus), diversity (share of unique words across the themes' top-10
keywords), label_hit (when the labels are words: the share of classes whose Hungarian-matched theme is named
with the class word; null otherwise), names (the theme names), seconds and timings per stage; with
--reference also kmeans_nmi (k-means told the number of classes, on the same embeddings).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from clustering.pipeline import Pipeline, PipelineParams
from clustering.results import UNTHEMED, RunResult
from clustering.textprep import normalise


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
            if not label:  # a blank text is kept: the pipeline skips it and it counts as unthemed
                bad.append(reader.line_num)
                continue
            texts.append(text)
            labels.append(label)
    if bad:
        shown = ", ".join(map(str, bad[:20])) + (" ..." if len(bad) > 20 else "")
        raise EvaluationInputError(f"{path}: empty label on line(s) {shown}")
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


def theme_table(*, result: RunResult, ids: list[str], labels: list[str]) -> list[dict[str, object]]:
    """Per theme, in the run's order: its name, size, majority class and purity (share of the majority)."""
    by_id = dict(zip(ids, labels, strict=True))
    rows = []
    for theme in result.themes:
        counts = Counter(by_id[i] for i in theme.member_ids if i in by_id)
        majority, hits = counts.most_common(1)[0] if counts else ("", 0)
        rows.append(
            {
                "theme": theme.index,
                "name": theme.label,
                "size": theme.size,
                "majority": majority,
                "purity": round(hits / max(theme.size, 1), 4),
            }
        )
    return rows


def labels_are_words(labels: Sequence[str]) -> bool:
    """Class labels a theme name could contain (``svn``, ``visual-studio``), not codes such as ``17``."""
    return all(any(ch.isalpha() for ch in label) for label in set(labels))


def _names_word(name: str, word: str) -> bool:
    spaced = " ".join(word.lower().replace("-", " ").replace("_", " ").split())
    plain = " ".join(name.lower().replace("-", " ").split())
    return re.search(rf"(?<!\w){re.escape(spaced)}(?!\w)", plain) is not None


def label_hit(*, labels: Sequence[str], predicted: Sequence[int], names: dict[int, str]) -> float:
    """Share of classes whose best-matching theme (one-to-one, Hungarian, on shared members; unthemed rows
    left out) has a name containing the class word, hyphens read as spaces. A class left without a theme
    is a miss."""
    from scipy.optimize import linear_sum_assignment

    classes = sorted(set(labels))
    themes = sorted(set(predicted) - {UNTHEMED})
    if not classes or not themes:
        return 0.0
    row = {c: i for i, c in enumerate(classes)}
    col = {t: j for j, t in enumerate(themes)}
    table = np.zeros((len(classes), len(themes)))
    for truth, theme in zip(labels, predicted, strict=True):
        if theme != UNTHEMED:
            table[row[truth], col[theme]] += 1
    matched_rows, matched_cols = linear_sum_assignment(-table)
    hits = sum(
        1
        for r, c in zip(matched_rows, matched_cols, strict=True)
        if table[r, c] > 0 and _names_word(names.get(themes[c], ""), classes[r])
    )
    return round(hits / len(classes), 4)


def score(*, result: RunResult, ids: list[str], texts: list[str], labels: list[str]) -> dict[str, object]:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    predicted = result.labels_for(ids)
    keyword_lists = [t.keywords for t in result.themes]
    names = {t.index: t.label for t in result.themes}
    hit = label_hit(labels=labels, predicted=predicted, names=names) if labels_are_words(labels) else None
    return {
        "nmi": round(float(normalized_mutual_info_score(labels, predicted)), 4),
        "ari": round(float(adjusted_rand_score(labels, predicted)), 4),
        "acc": round(clustering_accuracy(labels, predicted), 4),
        "noise_share": round(result.noise_share, 4),
        "themes": len(result.themes),
        "classes": len(set(labels)),
        "npmi": round(npmi_coherence(texts=texts, keyword_lists=keyword_lists), 4),
        "diversity": round(topic_diversity(keyword_lists), 4),
        "label_hit": hit,
        "names": [t.label for t in result.themes],
    }


def kmeans_told_k(*, vectors: np.ndarray, labels: list[str], seed: int = 42) -> float:
    """The reference: plain k-means on the same (normalised) embeddings, told the number of classes."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import normalized_mutual_info_score

    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    k = min(len(set(labels)), unit.shape[0])
    predicted = KMeans(n_clusters=k, n_init=3, random_state=seed).fit_predict(unit)
    return round(float(normalized_mutual_info_score(labels, predicted)), 4)


def evaluate(
    *,
    texts: list[str],
    labels: list[str],
    pipeline: Pipeline | None = None,
    vectors: np.ndarray | None = None,
    reference: bool = False,
) -> dict[str, object]:
    """Run the pipeline (not told k) and score it. ``per_theme`` holds the theme table; ``reference`` adds
    ``kmeans_nmi``, k-means told k on the same embeddings."""
    started = time.perf_counter()
    pipeline = pipeline or Pipeline(params=PipelineParams())
    ids = [str(i) for i in range(len(texts))]
    if reference and vectors is None:  # embed once, for the pipeline and the reference alike
        unique = list(dict.fromkeys(normalise(t) for t in texts))
        found = pipeline._embedder().embed(unique)
        row = {text: i for i, text in enumerate(unique)}
        vectors = found[[row[normalise(t)] for t in texts]]
    result = pipeline.run(texts=texts, ids=ids, vectors=vectors)
    figures: dict[str, object] = dict(score(result=result, ids=ids, texts=texts, labels=labels))
    figures["seconds"] = round(time.perf_counter() - started, 2)
    figures["status"] = str(result.status)
    figures["model"] = result.model_name
    figures["min_cluster_size"] = result.params.get("min_cluster_size")  # the size the search chose
    figures["timings"] = {k: round(v, 2) for k, v in result.timings.items()}
    if reference and vectors is not None:
        figures["kmeans_nmi"] = kmeans_told_k(vectors=vectors, labels=labels)
    figures["per_theme"] = theme_table(result=result, ids=ids, labels=labels)
    return figures


def print_theme_table(rows: Sequence[dict[str, object]], *, file=None) -> None:
    """One line per theme: index, size, majority class, purity and name (tab separated)."""
    out = file or sys.stdout
    print("theme\tsize\tmajority\tpurity\tname", file=out)
    for row in rows:
        print(
            f"{row['theme']}\t{row['size']}\t{row['majority']}\t{row['purity']:.2f}\t{row['name']}",
            file=out,
        )


def evaluate_csv(
    path: str | Path,
    *,
    embedder: str = "onnx",
    vectors: str | Path | None = None,
    reference: bool = False,
) -> dict[str, object]:
    texts, labels = read_labelled_csv(path)
    loaded = np.load(vectors) if vectors else None
    if loaded is not None and loaded.shape[0] != len(texts):
        raise EvaluationInputError(
            f"{vectors}: {loaded.shape[0]} vectors but {path} has {len(texts)} rows; one vector per row is needed"
        )
    from clustering.embed import OnnxEmbedder, TorchEmbedder

    chosen = TorchEmbedder() if embedder == "torch" else OnnxEmbedder()
    return evaluate(
        texts=texts, labels=labels, pipeline=Pipeline(embedder=chosen), vectors=loaded, reference=reference
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m clustering.evaluate", description=__doc__.splitlines()[0]
    )
    parser.add_argument("csv", help="CSV file with columns text,label")
    parser.add_argument(
        "--embedder", choices=["onnx", "torch"], default="onnx", help="onnx (default) or torch fp32"
    )
    parser.add_argument("--vectors", help="precomputed embeddings (.npy, one row per CSV row)")
    parser.add_argument(
        "--reference", action="store_true", help="also score k-means told the number of classes (kmeans_nmi)"
    )
    args = parser.parse_args(argv)
    try:
        figures = evaluate_csv(
            args.csv, embedder=args.embedder, vectors=args.vectors, reference=args.reference
        )
    except (EvaluationInputError, FileNotFoundError, ValueError) as exc:
        print(json.dumps({"error": str(exc)}))
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print_theme_table(figures.pop("per_theme"))  # type: ignore[arg-type]  # checked against the Literal's values where the value was parsed
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
