"""Candidate foundations: themes grouped into 3-7 drafts by their members' neighbours (clustering.theme_groups),
each drafted from its members' own sentences, every sentence citing the contributions it came from.

- title: the name of the theme closest to the group's centre (weighted by size);
- statement: the most central sentence of the title's theme (or, where it asks nothing, of the group)
  that asks for something ("We need to ...", "Carers should ...", "Give carers ..."), its opening
  normalised to "We must ..."; the next such sentence of the same theme joined when it is about the same
  thing (cosine at least JOIN);
- what it should look like: sentences that say how things should be ("Carers should get ..."), as written;
- how to achieve it: sentences that say what to do ("Give carers a named contact ..."), as written.
Where no member asks for anything, the draft says so rather than filling a template.
"""

from __future__ import annotations

import math

import numpy as np

from clustering.naming import SentencePool, mmr
from clustering.results import Citation, Foundation, Theme
from clustering.sentences import Ask, content_words, we_must, words
from clustering.theme_groups import group_by_affinity, group_by_centroids, theme_affinity

NO_STATEMENT = (
    "None of these contributions asks for something directly: write the statement from the quotes and "
    "the theme descriptions."
)
NO_LOOKS_LIKE = "No contribution here describes what it should look like yet."
NO_HOW = "No contribution here says how to achieve it yet."
PARTS = 3  # sentences at most in "what it should look like" and "how to achieve it"
# a second ask joins the statement only when it is about the same thing (cosine of the two sentences):
# "publish a London dashboard ... and share data openly so boroughs can compare" (0.47), not "give every
# Londoner one care record ... and judge leaders on how their staff feel" (0.19)
JOIN = 0.45


def foundation_count(n_themes: int, *, low: int = 3, high: int = 7) -> int:
    if n_themes <= low:
        return n_themes
    return max(low, min(high, round(math.sqrt(n_themes) + 1)))


def candidate_foundations(
    *,
    themes: list[Theme],
    texts_by_id: dict[str, str],
    pool: SentencePool | None = None,
    vectors: np.ndarray | None = None,
    labels: np.ndarray | None = None,
) -> list[Foundation]:
    """Drafts for 3-7 groups of the named themes. With the run's ``vectors`` and ``labels`` (theme index per
    row), themes are grouped by their members' neighbours (clustering.theme_groups); without them, by
    their centroids."""
    if not themes:
        return []
    named = [t for t in themes if not t.label.startswith("Unnamed theme")] or themes
    k = foundation_count(len(named))
    if vectors is not None and labels is not None:
        affinity = theme_affinity(vectors=vectors, labels=labels, themes=[t.index for t in named])
        groups = group_by_affinity(affinity, k)
    else:
        groups = group_by_centroids(np.stack([t.centroid for t in named]), k)
    pool = pool or SentencePool([], np.zeros((0, 1), dtype=np.float32))
    result = []
    for group in sorted(set(groups.tolist())):
        members = sorted([t for t, g in zip(named, groups, strict=True) if g == group], key=lambda t: -t.size)
        result.append(_draft(members, pool))
    result.sort(key=lambda f: -f.n_contributions)
    return result


def _centre(members: list[Theme]) -> np.ndarray:
    centre = np.sum([t.centroid * t.size for t in members], axis=0)
    return centre / (np.linalg.norm(centre) or 1.0)


def _draft(members: list[Theme], pool: SentencePool) -> Foundation:
    centre = _centre(members)
    title_theme = max(members, key=lambda t: float(t.centroid @ centre) * math.sqrt(t.size))
    indices = {t.index for t in members}
    rows = pool.of_themes(indices)
    relevance = pool.vectors[rows] @ centre if rows else np.zeros(0)
    # well-supported sentences rise a little, as quotes do
    support = np.array([pool.sentences[r].support for r in rows]) if rows else np.zeros(0)
    if support.size and support.max() > 0:
        relevance = relevance + 0.1 * support / support.max()
    used: list[set[str]] = []  # the content words of each sentence already drafted with

    def fresh(text: str) -> bool:
        mine = {w.lower() for w in content_words(text)}
        return bool(mine) and all(len(mine & u) / min(len(mine), len(u)) < 0.6 for u in used if u)

    def best(kinds: set[Ask], count: int, theme: int | None = None) -> list[int]:
        chosen = [
            i
            for i in range(len(rows))
            if pool.sentences[rows[i]].ask in kinds
            and fresh(pool.sentences[rows[i]].text)
            and theme in (None, pool.sentences[rows[i]].theme)
        ]
        if not chosen:
            return []
        sub = pool.vectors[[rows[i] for i in chosen]]
        order = mmr(relevance[chosen], sub @ sub.T, top_n=count * 2, diversity=0.4)
        picked: list[int] = []
        contributions: set[str] = set()
        for j in order:
            s = pool.sentences[rows[chosen[j]]]
            if s.contribution_id in contributions or not fresh(
                s.text
            ):  # one per contribution, no point twice
                continue
            picked.append(chosen[j])
            contributions.add(s.contribution_id)
            used.append({w.lower() for w in content_words(s.text)})
            if len(picked) == count:
                break
        return picked

    asks = {Ask.WE, Ask.SHOULD, Ask.THERE, Ask.NEED, Ask.DO}
    # the statement opens with an ask of the theme that titles the draft, so title and statement agree
    # ("Pooled budgets" is not stated as "We must make sure staff wellbeing comes first")
    opening = best(asks, 1, theme=title_theme.index) or best(asks, 1)
    # a second ask of the same theme may join it; one of another theme is another statement's business
    # ("one care record ..., and a plan for keeping people out of hospital" read as two foundations)
    same = pool.sentences[rows[opening[0]]].theme if opening else None
    statement = _statement(opening + (best(asks, 1, theme=same) if opening else []), rows, pool)
    looks = [_as_is(rows[i], pool) for i in best({Ask.SHOULD, Ask.THERE, Ask.NEED}, PARTS)]
    how = [_as_is(rows[i], pool) for i in best({Ask.DO, Ask.WE}, PARTS)]
    citations = {
        "statement": statement or [Citation(NO_STATEMENT, [])],
        "looks_like": looks or [Citation(NO_LOOKS_LIKE, [])],
        "how_to_achieve": how or [Citation(NO_HOW, [])],
    }
    quotes = [t.representative_ids[0] for t in members if t.representative_ids]
    return Foundation(
        title=title_theme.label,
        title_index=title_theme.index,
        statement=" ".join(c.text for c in citations["statement"]),
        theme_indices=[t.index for t in members],
        quote_ids=quotes[:5],
        looks_like=" ".join(c.text for c in citations["looks_like"]),
        how_to_achieve=" ".join(c.text for c in citations["how_to_achieve"]),
        citations=citations,
        n_contributions=sum(t.size for t in members),
    )


def _statement(picked: list[int], rows: list[int], pool: SentencePool) -> list[Citation]:
    parts = [(we_must(pool.sentences[rows[i]].text), rows[i]) for i in picked]
    parts = [(text, row) for text, row in parts if text]
    if not parts:
        return []
    (first, one), cited = parts[0], [pool.sentences[parts[0][1]].contribution_id]
    if len(parts) > 1:
        second, other = parts[1]
        related = float(pool.vectors[one] @ pool.vectors[other]) >= JOIN
        if related and len(words(first)) + len(words(second)) <= 45:
            joined = f"{first.rstrip('.')}, and {second[len('We must ') :].rstrip('.')}."
            return [Citation(joined, [*cited, pool.sentences[other].contribution_id])]
    return [Citation(first, cited)]


def _as_is(row: int, pool: SentencePool) -> Citation:
    s = pool.sentences[row]
    return Citation(s.text, [s.contribution_id])
