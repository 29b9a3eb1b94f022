"""Theme names and descriptions in the contributors' own words.

Names (as KeyBERT chooses keyphrases, on candidate phrases instead of raw n-grams):
1. candidate phrases of every member (clustering.sentences.phrases: word runs between punctuation and
   function words), counted by the *people* who use them, so one person writing 40% of a theme does not
   name it;
2. a shortlist by coverage (share of the theme's people using the phrase) times how particular the phrase
   is to the theme (lift against the whole corpus), phrases of 2-4 words preferred;
3. each shortlisted phrase embedded with the run's model and scored against the theme's centre, then a
   few kept by maximal marginal relevance (KeyBERT's ``mmr``: relevance minus similarity to those kept).
The best becomes the name, the rest are offered as alternatives. Filler ("agree", "+1", "list") and masked
personal data never enter a candidate; a theme of short replies is "Unnamed theme (N short replies)".

Descriptions: one or two sentences of the theme's most central, best supported contributions (extractive),
from different people, each citing the contribution it came from.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from clustering.embed import Embedder
from clustering.sentences import (
    ARTICLES,
    DO_VERBS,
    JOINERS,
    STOP,
    Sentence,
    as_written,
    ask_of,
    clauses,
    clean_text,
    is_short_reply,
    nameable,
    phrases,
    sentence_case,
    split_sentences,
    stem,
    strip_opening,
    usable_sentence,
    words,
)

SHORT_SHARE = 0.6  # a theme this much made of short replies has no topic to name
MIXED_SHARE, MIXED_COVERAGE = 0.3, 0.05  # ... nor one a third short whose best phrase hardly anyone used
SHORTLIST = 24  # phrases of 2+ words embedded per theme (fewer when there are many themes: PHRASE_BUDGET)
SINGLES = 8  # single words, a last resort
PHRASE_BUDGET, SENTENCE_BUDGET = 1600, 900  # phrases and contributions embedded per run, at most
OPTIONS = 3
DIVERSITY = 0.5
RELEVANCE = 0.65  # weight of closeness to the theme's centre against how many people use the phrase
CENTRAL = 12  # members per theme whose sentences are drafted from (fewer with many themes)
# A theme's anchor is the word most of its people use that is particular to it ("matlab", "housing"): a
# word at least ANCHOR_COVERAGE of them use, ANCHOR_LIFT times commoner in the theme than in the corpus.
# A person heading the theme would put it in the name, so phrases holding it are preferred, and a name
# without it gives way to the best phrase with it unless the name's phrase is used by more than 1 /
# ANCHOR_LEAD times as many of its people ("Enable mod_rewrite", 26%, gives way to "Apache server" when 14%
# wrote "apache"; at 1.0 it did not).
ANCHOR_COVERAGE, ANCHOR_LIFT, ANCHOR_LEAD, ANCHOR_BOOST = 0.1, 2.5, 0.7, 1.6
# verbs a name never ends on, whatever the corpus says ("Records stay", "Telephone interpreting drops")
NOT_LAST = frozenset(
    [
        "stay",
        "stays",
        "send",
        "sends",
        "read",
        "reads",
        "act",
        "acts",
        "live",
        "lives",
        "talk",
        "talks",
        "listen",
        "listens",
        "follow",
        "follows",
        "fall",
        "falls",
        "drop",
        "drops",
        "join",
        "joins",
        "reach",
        "reaches",
        "cover",
        "covers",
        "agree",
        "agrees",
        "share",
        "shares",
        "ask",
        "asks",
        "work",
        "works",
        "cope",
        "copes",
        "look",
        "looks",
        "seem",
        "seems",
        "happen",
        "happens",
        "exist",
        "exists",
        "choose",
        "chooses",
    ]
)
# words that follow a verb as its object ("support them", "send it"); not "that", which after a noun starts
# a clause ("letters in plain English that anyone can read")
OBJECTS = frozenset(
    [
        "the",
        "a",
        "an",
        "them",
        "it",
        "him",
        "her",
        "us",
        "me",
        "you",
        "people",
        "their",
        "our",
        "my",
        "your",
        "this",
        "these",
        "those",
        "every",
        "each",
        "all",
    ]
)


# an identifier more than a name: mod_rewrite, NSTableView, QObject, LazyInitializationException, ORA-01722
_CODE = re.compile(r"_|^[A-Z]{2,}[a-z]|(?:[A-Z][a-z]+){3,}|[A-Za-z]+-?\d|\d+[A-Za-z]")


# a past participle or past tense ending a phrase ("stopped", "cancelled"; not "need", "bed", "speed")
_PAST = re.compile(r"^[a-z]{3,}(?<!e)ed$")


@dataclass
class Naming:
    name: str
    options: list[str] = field(default_factory=list)
    description: str = ""
    # one entry per description sentence: the ids of the contributions it came from
    description_ids: list[list[str]] = field(default_factory=list)
    short_replies: int = 0


@dataclass
class SentencePool:
    """Sentences of each theme's central members with their vectors (for descriptions and drafts)."""

    sentences: list[Sentence]
    vectors: np.ndarray

    def of_themes(self, indices: set[int]) -> list[int]:
        return [i for i, s in enumerate(self.sentences) if s.theme in indices]


def _unit(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.maximum(np.linalg.norm(matrix, axis=-1, keepdims=True), 1e-12)


def mmr(relevance: np.ndarray, similarity: np.ndarray, *, top_n: int, diversity: float) -> list[int]:
    """Maximal marginal relevance (Carbonell & Goldstein 1998, as KeyBERT's ``mmr``): start from the most
    relevant item, then repeatedly take the one maximising (1 - diversity) * relevance - diversity * (its
    highest similarity to those already taken)."""
    if relevance.size == 0:
        return []
    chosen = [int(np.argmax(relevance))]
    rest = [i for i in range(relevance.size) if i != chosen[0]]
    while rest and len(chosen) < top_n:
        closeness = similarity[np.ix_(rest, chosen)].max(axis=1)
        score = (1 - diversity) * relevance[rest] - diversity * closeness
        pick = rest[int(np.argmax(score))]
        chosen.append(pick)
        rest.remove(pick)
    return chosen


class _PhraseIndex:
    """Every candidate phrase of the corpus: the documents using it and its commonest spelling."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.docs: dict[tuple[str, ...], set[int]] = defaultdict(set)
        self.surface: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
        self.keys_of: list[set[tuple[str, ...]]] = []
        self.word_docs: dict[str, set[int]] = defaultdict(set)  # stem of a content word -> documents
        self.words_of: list[set[str]] = []
        self.code: set[str] = set()  # stems of words written like code identifiers (_CODE)
        # how often a word, inside a sentence, is written with a capital: names of things (MATLAB, Oracle,
        # Hackney, GP) are what a person heads a theme with
        capital: Counter[str] = Counter()
        inside: Counter[str] = Counter()
        # how often a word is followed by an object ("support them", "send it"): verb-like words do not
        # end a name ("Data to support")
        followed: Counter[str] = Counter()
        seen: Counter[str] = Counter()
        after_to: Counter[str] = Counter()
        after_article: Counter[str] = Counter()
        for text in texts:
            for clause in clauses(text):  # "... in plain English. The ..." is no "English the"
                tokens = [w.lower() for w in words(clause)]
                if not tokens:
                    continue
                for before, here, after in zip(["", *tokens[:-1]], tokens, [*tokens[1:], ""], strict=True):
                    seen[here] += 1
                    followed[here] += after in OBJECTS
                    after_to[here] += before == "to"
                    after_article[here] += before in ("the", "a", "an")
        self.verb_like = {w for w, n in seen.items() if n >= 3 and followed[w] / n > 0.25}
        # words more often after "to" than after "the"/"a" are verbs there: "Data to support" is no name
        self.infinitive = {w for w, n in after_to.items() if n >= 2 and n > after_article[w]}
        self.after_article = after_article
        for i, text in enumerate(texts):
            keys = set()
            for span in phrases(text):
                key = tuple(stem(w) for w in span if w.lower() not in ARTICLES)
                keys.add(key)
                self.docs[key].add(i)
                self.surface[key][" ".join(span)] += 1
            self.keys_of.append(keys)
            stems = {
                stem(w)
                for w in words(clean_text(text))
                if nameable((w,)) and w.lower() not in STOP and not w.isdigit()
            }
            for w in stems:
                self.word_docs[w].add(i)
            self.words_of.append(stems)
            for sentence in split_sentences(text):
                for position, w in enumerate(words(sentence)):
                    if _CODE.search(w):
                        self.code.add(stem(w))
                    if position:  # a sentence's first word has a capital whatever it is
                        inside[stem(w)] += 1
                        capital[stem(w)] += w[:1].isupper()
        self.proper = {w: capital[w] / n for w, n in inside.items() if n >= 3}
        self.n = max(len(texts), 1)

    def anchor(self, rows: np.ndarray, people: list[str]) -> tuple[str, float] | None:
        """The theme's anchor word (stem) and the share of its people using it, if it has one."""
        members = set(rows.tolist())
        users: dict[str, set[str]] = defaultdict(set)
        for r in members:
            for w in self.words_of[r]:
                users[w].add(people[r])
        n_people = max(len({people[r] for r in members}), 1)
        best: tuple[float, str, float] | None = None
        for w, who in users.items():
            coverage = len(who) / n_people
            if coverage < ANCHOR_COVERAGE or len(who) < 2:
                continue
            docs = self.word_docs[w]
            lift = (len(docs & members) / len(members)) / (len(docs) / self.n)
            if lift < ANCHOR_LIFT:
                continue
            score = coverage * math.log(lift) * (1 + self.proper.get(w, 0.0)) * (0.5 if w in self.code else 1)
            if best is None or (score, w) > (best[0], best[1]):
                best = (score, w, coverage)
        return (best[1], best[2]) if best else None

    def users(self, key: tuple[str, ...], rows: np.ndarray, people: list[str]) -> float:
        """Share of the theme's people who used the phrase ``key``."""
        inside = self.docs.get(key, set()) & set(rows.tolist())
        return len({people[r] for r in inside}) / max(len({people[r] for r in rows}), 1)

    def spelling(self, key: tuple[str, ...]) -> str:
        forms = self.surface[key]
        # the commonest spelling; ties go to one with capitals kept (GP, NHS) over all lower case
        return max(forms, key=lambda f: (forms[f], f != f.lower()))


def name_themes(
    *,
    texts: Sequence[str],
    ids: Sequence[str],
    labels: np.ndarray,
    vectors: np.ndarray,
    centroids: dict[int, np.ndarray],
    keywords: dict[int, list[str]],
    authors: Sequence[str] | None = None,
    support: np.ndarray | None = None,
    embedder: Embedder | None = None,
) -> tuple[dict[int, Naming], SentencePool]:
    """A name, alternatives and a description per theme, and the sentence pool drafts are made from.

    Without an embedder, a phrase's or sentence's vector is the mean of the members that contain it.
    """
    people = [str(a) if a else f"#{i}" for i, a in enumerate(authors or [None] * len(texts))]
    index = _PhraseIndex(texts)
    shortlists: dict[int, list[tuple[tuple[str, ...], float]]] = {}
    shorts: dict[int, int] = {}
    per_theme = int(np.clip(PHRASE_BUDGET // max(len(centroids), 1), 6, SHORTLIST))
    central_n = int(np.clip(SENTENCE_BUDGET // max(len(centroids), 1), 3, CENTRAL))
    anchors: dict[int, tuple[str, float] | None] = {}
    for theme in centroids:
        rows = np.flatnonzero(labels == theme)
        shorts[theme] = sum(1 for r in rows if is_short_reply(texts[r]))
        anchors[theme] = index.anchor(rows, people)
        anchor = anchors[theme]
        shortlists[theme] = _shortlist(
            index, rows, people, keywords.get(theme, []), size=per_theme, anchor=anchor[0] if anchor else None
        )
    phrase_keys = sorted({k for items in shortlists.values() for k, _ in items})
    phrase_vectors = _phrase_vectors(phrase_keys, index, vectors, embedder)
    row_of = {k: i for i, k in enumerate(phrase_keys)}

    central = {
        t: _central_rows(np.flatnonzero(labels == t), vectors, c, support, texts, central_n)
        for t, c in centroids.items()
    }
    pool = _sentence_pool(central, texts, ids, people, support, vectors, embedder)

    namings: dict[int, Naming] = {}
    used: set[str] = set()
    for theme in sorted(centroids, key=lambda t: -int((labels == t).sum())):
        rows = np.flatnonzero(labels == theme)
        items = shortlists[theme]
        options = _choose(items, [phrase_vectors[row_of[k]] for k, _ in items], centroids[theme], index)
        naming = Naming(name="", options=options, short_replies=shorts[theme])
        if shorts[theme] >= SHORT_SHARE * len(rows):
            naming.name = f"Unnamed theme ({len(rows)} short replies)"
            naming.description = (
                f"{len(rows)} short replies (agreement, thanks or a few words) with no topic of their own."
            )
        else:
            written = [texts[r].lower() for r in rows]
            naming.name = _pick_name(options, used, keywords.get(theme, []), len(rows), written)
            naming.name = _anchored(naming.name, anchors[theme], items, options, used, index, rows, people)
            naming.description, naming.description_ids = _describe(pool, theme, centroids[theme])
            said = sum(1 for r in rows if naming.name.lower() in texts[r].lower())
            if shorts[theme] >= MIXED_SHARE * len(rows) and (said < 2 or said < MIXED_COVERAGE * len(rows)):
                # replies and caveats with no topic in common: no one phrase speaks for them
                naming.name = f"Unnamed theme ({len(rows)} replies, {shorts[theme]} of them short)"
        used.add(naming.name.lower())
        namings[theme] = naming
    return namings, pool


def _shortlist(
    index: _PhraseIndex,
    rows: np.ndarray,
    people: list[str],
    keywords: Sequence[str] = (),
    size: int = SHORTLIST,
    anchor: str | None = None,
) -> list[tuple[tuple[str, ...], float]]:
    top: dict[str, float] = {}
    for weight, keyword in zip((1.3, 1.15, 1.05), keywords[:3], strict=False):
        for w in keyword.split():
            top.setdefault(stem(w), weight)
    members = set(rows.tolist())
    theme_people = {people[r] for r in rows}
    n_people = max(len(theme_people), 1)
    inside_of: dict[tuple[str, ...], set[int]] = defaultdict(set)
    for r in members:
        for key in index.keys_of[r]:
            inside_of[key].add(r)
    scored = []
    for key, inside in inside_of.items():
        docs = index.docs[key]
        who = {people[d] for d in inside}
        spelled = index.spelling(key).lower().split()
        last = spelled[-1]
        if last.endswith(("'s", "’s", "ly")) or (
            len(key) > 1 and (last in index.verb_like or last in NOT_LAST)
        ):
            continue
        if len(spelled) > 1 and spelled[-2] == "to" and last in index.infinitive:
            continue
        if last.endswith("ing") and not index.after_article[last]:
            continue  # "struggling", "asking": a name ends on a thing ("training", "housing" are fine)
        if len(key) > len(set(key) - JOINERS) + sum(w in JOINERS for w in key):
            continue  # a word twice: "GP prescribed and the GP"
        if len(key) > 1 and _PAST.search(last) and not index.after_article[last]:
            continue  # "Hackney libraries stopped", "Visits cut short" end a clause, not a heading
        if (len(key) == 1 and len(who) < 2 and n_people >= 2) or not nameable(
            tuple(index.spelling(key).split())
        ):
            continue
        lift = (len(inside) / len(members)) / (len(docs) / index.n)
        # a phrase is as particular as its words are: "hospital and the GP" is not, "shared records" is
        word_lifts = [
            (len(index.docs[(w,)] & members) / len(members)) / (len(index.docs[(w,)]) / index.n)
            for w in key
            if (w,) in index.docs and w not in JOINERS
        ]
        if word_lifts:
            lift = math.sqrt(lift * (sum(word_lifts) / len(word_lifts)))
        coverage = len(who) / n_people
        length = len(key)
        shape = 0.45 if length == 1 else 1.0 if length <= 4 else 0.8
        if len(who) < 2 <= n_people:  # one person's phrase: only when nobody shares a better one
            shape *= 0.35
        if len(key) > 1 and (spelled[0] in index.verb_like or spelled[0] in DO_VERBS):
            shape *= 0.5  # "Read with the person's permission" is a fragment more often than a heading
        boost = max((top.get(w, 1.0) for w in key), default=1.0)
        shape *= boost  # holds one of the theme's most particular words (c-TF-IDF: 1.3, 1.15, 1.05)
        if anchor is not None and anchor in key and len(key) > 1:
            shape *= ANCHOR_BOOST
        scored.append((key, coverage * math.log1p(lift) * shape))
    scored.sort(key=lambda kv: (-kv[1], kv[0]))
    multi = [kv for kv in scored if len(kv[0]) >= 2][:size]
    return multi + [kv for kv in scored if len(kv[0]) == 1][: max(2, size // 3)]


def _phrase_vectors(
    keys: list[tuple[str, ...]], index: _PhraseIndex, vectors: np.ndarray, embedder: Embedder | None
) -> np.ndarray:
    if not keys:
        return np.zeros((0, vectors.shape[1]), dtype=np.float32)
    if embedder is not None:
        return _unit(np.asarray(embedder.embed([index.spelling(k) for k in keys]), dtype=np.float32))
    return _unit(np.stack([vectors[sorted(index.docs[k])].mean(axis=0) for k in keys]))


def _choose(
    items: list[tuple[tuple[str, ...], float]],
    vecs: list[np.ndarray],
    centre: np.ndarray,
    index: _PhraseIndex,
) -> list[str]:
    if not items:
        return []
    matrix = np.stack(vecs)
    centre = centre / (np.linalg.norm(centre) or 1.0)
    relevance = np.clip(matrix @ centre, 0.0, None)
    prior = np.array([s for _, s in items])
    score = RELEVANCE * relevance / (relevance.max() or 1.0) + (1 - RELEVANCE) * prior / (prior.max() or 1.0)
    out: list[str] = []
    # phrases of two words or more first (a name is never a single word when a phrase is there), then
    # single words as a last resort
    for wanted in (lambda n: n >= 2, lambda n: n == 1):
        rows = [i for i, (key, _) in enumerate(items) if wanted(len(key))]
        if not rows:
            continue
        sub = matrix[rows]
        for j in mmr(score[rows], sub @ sub.T, top_n=OPTIONS * 2, diversity=DIVERSITY):
            text = index.spelling(items[rows[j]][0])
            if not any(text.lower() in o.lower() or o.lower() in text.lower() for o in out):
                out.append(text)
    return out[:OPTIONS]


def _pick_name(
    options: list[str], used: set[str], keywords: list[str], size: int, written: Sequence[str] = ()
) -> str:
    for option in options:
        if 2 <= len(option.split()) <= 7 and option.lower() not in used:
            return sentence_case(option)
    for keyword in keywords:  # a c-TF-IDF bigram people wrote as such, when no phrase is shared by two
        parts = keyword.split()
        if sum(keyword.lower() in text for text in written) < 2:
            continue  # "agreement london" of "agreement for London" is no one's words
        if (
            len(parts) >= 2
            and nameable(tuple(parts))
            and not {p.lower() for p in parts} & STOP
            and keyword.lower() not in used
        ):
            return sentence_case(keyword)
    singles = [o for o in options if o.lower() not in used]
    if len(singles) >= 2:
        return sentence_case(f"{singles[0]} and {singles[1]}")
    return f"Unnamed theme ({size} contributions)"


def _anchored(
    name: str,
    anchor: tuple[str, float] | None,
    items: list[tuple[tuple[str, ...], float]],
    options: list[str],
    used: set[str],
    index: _PhraseIndex,
    rows: np.ndarray,
    people: list[str],
) -> str:
    """The name, or the best phrase holding the theme's anchor word when the name lacks it and far fewer
    of the theme's people wrote the name's phrase than the anchor ("Type mismatch" -> "Scala collection"
    for a theme of Scala questions)."""
    if anchor is None or name.startswith("Unnamed theme"):
        return name
    word, coverage = anchor
    key = tuple(stem(w) for w in words(name) if w.lower() not in ARTICLES)
    if word in key or coverage < ANCHOR_LEAD * index.users(key, rows, people):
        return name
    spelled = [o for o in options if word in {stem(w) for w in words(o)}]
    spelled += [index.spelling(k) for k, _ in items if len(k) > 1 and word in k]
    # a phrase holding both the anchor and the name says most ("Temporary housing" -> "Damp temporary
    # housing", not "Damp and mould")
    spelled.sort(key=lambda o: not set(key) <= {stem(w) for w in words(o)})
    for option in spelled:
        if 2 <= len(option.split()) <= 7 and option.lower() not in used and nameable(tuple(option.split())):
            return sentence_case(option)
    return name


def _central_rows(
    rows: np.ndarray,
    vectors: np.ndarray,
    centre: np.ndarray,
    support: np.ndarray | None,
    texts: Sequence[str],
    count: int = CENTRAL,
) -> list[int]:
    score = vectors[rows] @ (centre / (np.linalg.norm(centre) or 1.0))
    if support is not None and support.size and support.max() > 0:
        score = score + 0.1 * support[rows] / support.max()
    picked, seen = [], set()
    for i in np.argsort(-score).tolist():
        key = texts[rows[i]].casefold()
        if key not in seen:
            picked.append(int(rows[i]))
            seen.add(key)
        if len(picked) == count:
            break
    return picked


def _sentence_pool(
    central: dict[int, list[int]],
    texts: Sequence[str],
    ids: Sequence[str],
    people: list[str],
    support: np.ndarray | None,
    vectors: np.ndarray,
    embedder: Embedder | None,
) -> SentencePool:
    sentences: list[Sentence] = []
    rows: list[int] = []
    for theme, members in central.items():
        for r in members:
            for raw in split_sentences(texts[r])[:3]:
                text = strip_opening(raw)
                if not usable_sentence(text):
                    continue
                sentences.append(
                    Sentence(
                        text=as_written(text),
                        contribution_id=str(ids[r]),
                        author=people[r],
                        theme=theme,
                        ask=ask_of(text),
                        support=float(support[r]) if support is not None and support.size else 0.0,
                    )
                )
                rows.append(r)
    if not sentences:
        return SentencePool([], np.zeros((0, vectors.shape[1]), dtype=np.float32))
    found = _unit(vectors[rows].astype(np.float32))
    if embedder is not None:  # a sentence that is its whole contribution already has its vector
        own = [
            i for i, (s, r) in enumerate(zip(sentences, rows, strict=True)) if not _whole(s.text, texts[r])
        ]
        if own:
            found[own] = _unit(np.asarray(embedder.embed([sentences[i].text for i in own]), dtype=np.float32))
    return SentencePool(sentences, found)


def _whole(sentence: str, text: str) -> bool:
    return len(words(sentence)) >= len(words(text)) - 2


def _describe(pool: SentencePool, theme: int, centre: np.ndarray) -> tuple[str, list[list[str]]]:
    rows = pool.of_themes({theme})
    if not rows:
        return "", []
    centre = centre / (np.linalg.norm(centre) or 1.0)
    matrix = pool.vectors[rows]
    relevance = matrix @ centre
    best = int(np.argmax(relevance))
    first = pool.sentences[rows[best]]
    chosen = [first]
    others = [
        i
        for i in range(len(rows))
        if pool.sentences[rows[i]].author != first.author
        and pool.sentences[rows[i]].contribution_id != first.contribution_id
    ]
    if others:
        score = [0.7 * relevance[i] - 0.3 * float(matrix[i] @ matrix[best]) for i in others]
        second = others[int(np.argmax(score))]
        candidate = pool.sentences[rows[second]]
        if (
            relevance[second] >= 0.8 * relevance[best]
            and float(matrix[second] @ matrix[best]) < 0.9
            and len(words(first.text)) + len(words(candidate.text)) <= 50
        ):
            chosen.append(candidate)
    return " ".join(s.text for s in chosen), [[s.contribution_id] for s in chosen]
