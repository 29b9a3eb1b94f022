"""Theme representation: c-TF-IDF keywords, a short label and representative contributions."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from clustering.results import UNTHEMED

# words people use to ask for anything, which say nothing about what a theme is about
EXTRA_STOP_WORDS = frozenset(
    [
        "need",
        "needs",
        "needed",
        "make",
        "makes",
        "want",
        "wants",
        "like",
        "use",
        "using",
        "used",
        "get",
        "getting",
        "got",
        "help",
        "please",
        "really",
        "just",
        "way",
        "does",
        "doesn",
        "don",
        "didn",
        "isn",
        "ve",
        "ll",
        "thanks",
        "trying",
        "tried",
        "think",
        "know",
        "new",
        "better",
        "good",
        "lot",
        "lots",
    ]
)


def ctfidf_keywords(*, texts: Sequence[str], labels: np.ndarray, top_n: int = 10) -> dict[int, list[str]]:
    """Class-based TF-IDF (as in BERTopic): each theme's texts form one document; English stop words are
    dropped and bigrams kept."""
    from sklearn.feature_extraction.text import CountVectorizer

    themes = sorted(set(labels.tolist()) - {UNTHEMED})
    if not themes:
        return {}
    documents = [
        " ".join(t for t, lab in zip(texts, labels, strict=True) if lab == theme) for theme in themes
    ]
    try:
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        stop_words = sorted(ENGLISH_STOP_WORDS | EXTRA_STOP_WORDS)
        vectorizer = CountVectorizer(stop_words=stop_words, ngram_range=(1, 2), min_df=1)
        counts = vectorizer.fit_transform(documents).toarray().astype(float)
    except ValueError:  # nothing but stop words or symbols
        return {theme: [] for theme in themes}
    words = vectorizer.get_feature_names_out()
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1.0)
    average_words = counts.sum() / len(themes)
    idf = np.log(1.0 + average_words / np.maximum(counts.sum(axis=0), 1.0))
    scores = tf * idf
    return {
        theme: [str(words[j]) for j in np.argsort(-scores[i])[:top_n] if scores[i, j] > 0]
        for i, theme in enumerate(themes)
    }


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def short_label(keywords: Sequence[str], *, words: int = 3) -> str:
    """Top keywords, title-cased; a keyword adding no new word (plurals folded) is skipped, and a phrase
    replaces the single words it contains."""
    chosen: list[str] = []
    covered: set[str] = set()
    for keyword in keywords:
        parts = {_stem(w) for w in keyword.split()}
        if parts <= covered:
            continue
        chosen = [c for c in chosen if not {_stem(w) for w in c.split()} <= parts]
        chosen.append(keyword)
        covered |= parts
        if len(chosen) == words:
            break
    return ", ".join(c.title() for c in chosen) or "Unlabelled theme"


def representatives(
    *,
    vectors: np.ndarray,
    centroid: np.ndarray,
    texts: Sequence[str],
    support: np.ndarray | None,
    count: int = 5,
    support_weight: float = 0.1,
) -> list[int]:
    """Row positions of the members closest to the centre, nudged towards well-supported ones; one row per
    distinct text."""
    score = vectors @ centroid
    if support is not None and support.size and support.max() > 0:
        score = score + support_weight * support / support.max()
    picked: list[int] = []
    seen: set[str] = set()
    for row in np.argsort(-score).tolist():
        key = texts[row].casefold()
        if key not in seen:
            picked.append(row)
            seen.add(key)
        if len(picked) == count:
            break
    return picked
