"""Candidate foundations: themes grouped (agglomerative, cosine, on centroids) into 3-7 drafts."""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

from clustering.results import Foundation, Theme

_OPENERS = re.compile(r"^(we (need|must|should|have) to|please|it would help if we could|idea:)\s+", re.I)


def foundation_count(n_themes: int, *, low: int = 3, high: int = 7) -> int:
    if n_themes <= low:
        return n_themes
    return max(low, min(high, round(math.sqrt(n_themes) + 1)))


def draft_statement(quote: str, keywords: list[str]) -> str:
    """A "We must ..." sentence: the central contribution rephrased when it already asks for an action,
    else built from the group's keywords with the quote as its evidence."""
    text = quote.strip().rstrip(".!?")
    if _OPENERS.match(text):
        rest = _OPENERS.sub("", text)
        return f"We must {rest[:1].lower()}{rest[1:]}."
    topics = [k for k in keywords if " " not in k][:3] or keywords[:3]
    joined = " and ".join([", ".join(topics[:-1]), topics[-1]]) if len(topics) > 1 else "".join(topics)
    return f'We must act on {joined or "what people told us"}, as people told us: "{text}".'


def candidate_foundations(*, themes: list[Theme], texts_by_id: dict[str, str]) -> list[Foundation]:
    if not themes:
        return []
    k = foundation_count(len(themes))
    if k < len(themes):
        from sklearn.cluster import AgglomerativeClustering

        grouping = AgglomerativeClustering(n_clusters=k, metric="cosine", linkage="average")
        groups = grouping.fit_predict(np.stack([t.centroid for t in themes]))
    else:
        groups = np.arange(len(themes))
    result = []
    for group in sorted(set(groups.tolist())):
        members = [t for t, g in zip(themes, groups, strict=True) if g == group]
        members.sort(key=lambda t: -t.size)
        weights: Counter[str] = Counter()
        for theme in members:
            for rank, word in enumerate(theme.keywords[:10]):
                weights[word] += theme.size / (rank + 1)
        keywords = [w for w, _ in weights.most_common(6)]
        quotes = [t.representative_ids[0] for t in members if t.representative_ids]
        central = texts_by_id.get(quotes[0], "") if quotes else ""
        result.append(
            Foundation(
                title=members[0].label,
                statement=draft_statement(central, keywords),
                theme_indices=[t.index for t in members],
                quote_ids=quotes[:5],
            )
        )
    result.sort(key=lambda f: -sum(themes[i].size for i in f.theme_indices))
    return result
