"""Words and sentences of contributions: the pieces theme names, descriptions and drafts are made from.

Rule-based and English-first (no tagger is shipped): a sentence splitter, a phrase chunker that cuts at
punctuation and function words, filler and masked-data filters, and a classifier of sentences that ask
for something ("We need to ...", "Carers should ...", "Give carers ...") with their opening normalised to
"We must ...". Text in other languages passes through as plain word runs; it is never mangled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# masked personal data ("[email removed]") and anything that still looks like it: never part of a name,
# a description or a draft
MASKED = re.compile(r"\[[^\]]{0,40}\]")
PERSONAL = re.compile(
    r"[\w.%+-]+@[\w.-]+\.[A-Za-z]{2,}"  # email
    r"|(?:\+?\d[\d ()-]{7,}\d)"  # long digit runs: phone or NHS numbers
    r"|\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b",  # UK postcode
)

# words a theme is never named by: conversational filler and words about the conversation itself
FILLER = frozenset(
    [
        "agree",
        "agreed",
        "agrees",
        "agreeing",
        "disagree",
        "disagreed",
        "yes",
        "yeah",
        "yep",
        "yup",
        "no",
        "nope",
        "ok",
        "okay",
        "+1",
        "word",
        "words",
        "list",
        "lists",
        "point",
        "points",
        "thanks",
        "thank",
        "thankyou",
        "cheers",
        "idea",
        "ideas",
        "comment",
        "comments",
        "post",
        "posts",
        "reply",
        "replies",
        "above",
        "below",
        "true",
        "exactly",
        "totally",
        "absolutely",
        "definitely",
        "completely",
        "same",
        "everyone",
        "anyone",
        "someone",
        "thing",
        "things",
        "stuff",
        "lot",
        "lots",
        "bit",
        "sort",
        "kind",
        "sorry",
        "hi",
        "hello",
        "please",
        "wow",
        "great",
        "brilliant",
        "excellent",
        "spot",
        "said",
        "say",
        "says",
        "saying",
        "mentioned",
        "raise",
        "raising",
        "raised",
        "experience",
        "experiences",
        "important",
        "matter",
        "matters",
        "matters",
        "really",
        "actually",
        "honestly",
        "simply",
        "question",
        "questions",
        "draft",
        "declaration",
        "survey",
        "page",
    ]
)
# too general to name a theme on their own (a name needs one word that is not)
GENERIC = frozenset(
    [
        "people",
        "person",
        "time",
        "times",
        "day",
        "days",
        "week",
        "weeks",
        "year",
        "years",
        "month",
        "months",
        "way",
        "ways",
        "place",
        "places",
        "case",
        "cases",
        "part",
        "parts",
        "number",
        "area",
        "areas",
        "work",
        "things",
        "life",
        "level",
        "end",
        "start",
        "side",
        "lot",
    ]
)
# function words cut phrases; these few may sit inside one ("access to care", "damp and cold homes")
JOINERS = frozenset(["of", "and", "for", "to", "between", "with", "in", "on", "at", "from", "&", "without"])
ARTICLES = frozenset(
    ["the", "a", "an", "their", "our"]
)  # kept only right after a joiner: "bus to the hospital"
_CONTENT_FROM_SKLEARN = {
    "system", "bill", "fire", "interest", "detail", "call", "side", "front", "part", "name", "move", "back",
    "bottom", "top", "full", "empty", "home", "find", "describe", "show", "keep", "give", "put", "take",
}  # fmt: skip
VERBS = frozenset(
    [
        "need",
        "needs",
        "needed",
        "want",
        "wants",
        "wanted",
        "make",
        "makes",
        "made",
        "get",
        "gets",
        "got",
        "getting",
        "go",
        "goes",
        "going",
        "went",
        "gone",
        "like",
        "use",
        "used",
        "using",
        "try",
        "tried",
        "trying",
        "think",
        "thought",
        "know",
        "knew",
        "feel",
        "felt",
        "seem",
        "seems",
        "seemed",
        "help",
        "helps",
        "helped",
        "let",
        "lets",
        "happen",
        "happens",
        "happened",
        "happening",
        "say",
        "says",
        "said",
        "tell",
        "told",
        "ask",
        "asked",
        "come",
        "came",
        "keep",
        "kept",
        "look",
        "looking",
        "looked",
        "mean",
        "means",
        "meant",
        "can",
        "could",
        "would",
        "should",
        "must",
        "might",
        "will",
        "shall",
        "may",
        "does",
        "did",
        "doing",
        "done",
        "has",
        "have",
        "had",
        "having",
        "been",
        "being",
        "is",
        "are",
        "was",
        "were",
        "am",
        "be",
        "wait",
        "waited",
        "waiting",
        "gave",
        "give",
        "given",
        "takes",
        "took",
        "taken",
        "put",
        "puts",
    ]
)
STOP = frozenset((set(ENGLISH_STOP_WORDS) - _CONTENT_FROM_SKLEARN) | VERBS | FILLER) | {
    "i'm", "i've", "i'd", "it's", "don't", "doesn't", "didn't", "can't", "won't", "isn't", "aren't",
    "wasn't", "we're", "they're", "you're", "that's", "there's", "i'll", "we've", "couldn't", "wouldn't",
    "shouldn't", "im", "dont", "doesnt", "didnt", "cant", "wont", "isnt", "u", "ur", "etc", "also", "just",
    "really", "very", "quite", "still", "even", "ever", "much", "many", "more", "most", "less", "far",
    "near", "nearby", "instead", "ago", "able", "unable", "sure", "soon", "later", "away", "maybe", "oh",
    "similar", "different", "whole", "certain", "properly", "actually", "directly", "simply", "already",
}  # fmt: skip

_WORD = re.compile(r"[^\W_](?:[\w'’&+-]*[^\W_])?|\+1|&")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+|;\s+")
_OPENERS = re.compile(
    r"^(?:(?:(?:i think|i feel|i believe|for me|honestly|in my experience|from personal experience|"
    r"simple really|my main point|key point for me|just to say|suggestion|idea|also|and|so|plus|but|sadly|"
    r"the thing is|on top of that|one thing missing|please don'?t forget this|having read the draft|hi all|"
    r"something i feel strongly about|really pleased to see this|good to see this in the draft|"
    r"thank you for asking|to add to this|building on this|yes and|good point|agree with the above|"
    r"totally agree with this|totally agree|couldn'?t agree more|100% agree|this is exactly my experience|"
    r"devil'?s advocate here|not convinced, sorry|i'?m not sure about this|i see the point but|"
    r"good idea in theory, but|i would disagree slightly)\s*[,:.!-]?\s+)"
    r"|(?:(?:as|speaking as) (?:a|an|someone) [\w' -]{2,40}?|from the [\w -]{2,20} side|\w+ here|"
    r"agree|so true|absolutely|yes|spot on|same here|well said|this|\+1|respectfully|hmm)\s*[,:.!-]\s+)+",
    re.I,
)
_AGREEMENT = re.compile(
    r"^\W*(?:\+1|i agree|agree|agreed|totally|absolutely|yes|yep|yeah|so true|same|spot on|well said|exactly|"
    r"this\W|couldn'?t agree|couldn'?t have said|100%|thank|thanks|good point|great idea|me too|really important "
    r"point|this is exactly)",
    re.I,
)


def clean_text(text: str) -> str:
    """The text with masked markers and anything like personal data cut out (as a phrase break)."""
    return PERSONAL.sub(" | ", MASKED.sub(" | ", text or ""))


def has_personal_data(text: str) -> bool:
    return bool(MASKED.search(text) or PERSONAL.search(text))


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w.lower() not in STOP and not w.isdigit()]


def is_short_reply(text: str) -> bool:
    """A reply that says little of its own: "+1", "Agree with every word of this.", "yes"."""
    count = len(words(text))
    if count <= 3 or len(content_words(text)) <= 1:
        return True
    return count <= 14 and bool(_AGREEMENT.match(text))


@lru_cache(maxsize=65536)  # called for every word of every text while naming: ~0.5 M calls on 10k texts
def stem(word: str) -> str:
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 3 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


_CLAUSE_BREAK = re.compile(r"[.,;:!?()\"“”|/\[\]…—–]+|\s-\s")


def clauses(text: str) -> list[str]:
    """The text cut at punctuation (and spaced dashes): no phrase, and no word's neighbour, crosses one."""
    return _CLAUSE_BREAK.split(clean_text(text))


def phrases(text: str, *, longest: int = 5) -> list[tuple[str, ...]]:
    """Candidate phrases of a text: runs of content words (joined by at most one joiner such as "of",
    "and", "to") between punctuation and other function words, and their sub-runs; 1 to ``longest`` words,
    never starting or ending with a joiner. Returned as tuples of the surface words."""
    out: list[tuple[str, ...]] = []
    for chunk in clauses(text):
        run: list[str] = []
        for token in [*words(chunk), None]:
            low = token.lower() if token else ""
            after_joiner = bool(run) and run[-1].lower() in JOINERS
            if token is not None and (
                low in JOINERS
                or (low not in STOP and not token.isdigit())
                or (after_joiner and low in ARTICLES)
            ):
                run.append(token)
                continue
            out.extend(_spans(run, longest))
            run = []
    return out


def _spans(run: list[str], longest: int) -> list[tuple[str, ...]]:
    spans = []
    for i in range(len(run)):
        if run[i].lower() in JOINERS or run[i].lower() in ARTICLES:
            continue
        for j in range(i + 1, len(run) + 1):
            span = run[i:j]
            if span[-1].lower() in JOINERS or span[-1].lower() in ARTICLES:
                continue
            if sum(1 for w in span if w.lower() not in ARTICLES) > longest:
                break
            lows = [w.lower() for w in span]
            if "between" in lows and "and" not in lows[lows.index("between") :]:
                continue  # "records between the hospital" waits for "... and the GP"
            joined = [w.lower() for w in span if w.lower() in JOINERS]
            if len(joined) > 1 and joined[:2] != ["between", "and"]:
                break
            if joined and j + 1 < len(run) and run[j].lower() == "and" and run[j + 1].lower() not in DO_VERBS:
                continue  # "housing for damp" of "housing for damp and overcrowding" is cut short
            spans.append(tuple(span))
    return spans


def nameable(span: tuple[str, ...]) -> bool:
    """Fit to be (part of) a name: no filler, at least one word that is not generic, letters in it."""
    lows = [w.lower() for w in span if w.lower() not in ARTICLES]
    if any(w in FILLER for w in lows):
        return False
    if all(w in GENERIC or w in JOINERS for w in lows):
        return False
    return any(ch.isalpha() for ch in "".join(span)) and all(len(w) > 1 or w == "&" for w in lows)


def sentence_case(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:] if phrase else phrase


# ---------------------------------------------------------------- sentences


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text or "") if s.strip()]


def strip_opening(sentence: str) -> str:
    """Drop discourse openings ("I think", "Honestly,", "As a carer,") and tidy the first letter."""
    rest = _OPENERS.sub("", sentence.strip()).strip()
    if not rest or len(words(rest)) < 3:
        rest = sentence.strip()
    return sentence_case(rest)


class Ask(StrEnum):
    """What a sentence asks for, if anything."""

    NONE = "none"
    WE = "we"  # "We need to share records" -> "We must share records"
    SHOULD = "should"  # "Carers should get respite" (describes what good looks like)
    THERE = "there"  # "There should be one number to call"
    NEED = "need"  # "Carers need a proper break"
    DO = "do"  # "Give carers a named contact" (an imperative: how to achieve it)


_WE = re.compile(
    r"^(?:(?:so|and|honestly|surely|really|i think)[, ]+)*(?:"
    r"we (?:really |all |urgently |just )?(?:need|have|ought|got) to|we (?:must|should|could|can)|"
    r"(?:i'?d|i would|we'?d|we would) (?:like|love) to see (?:us |them |services |the nhs )?|"
    r"(?:it )?would be (?:great|good|nice|better) (?:to|if we could)|my suggestion would be to|"
    r"let'?s|please|can we(?: please)?|could we(?: please)?|why not|we have got to|it would help if we could"
    r")\s+(?P<vp>.+)$",
    re.I,
)
_SHOULD = re.compile(
    r"^(?P<subj>(?!i\b|you\b|we\b|it\b|this\b|that\b|there\b)[\w'’&-]+(?:\s+[\w'’&-]+){0,7}?)\s+"
    r"(?P<modal>should|must|needs? to|ought to|has to|have to)\s+(?P<vp>.+)$",
    re.I,
)
_THERE = re.compile(r"^there (?:should|must|needs? to|has to|ought to) be\s+(?P<rest>.+)$", re.I)
_NEED = re.compile(
    r"^(?P<subj>(?!i\b|you\b|we\b|it\b|this\b|that\b|there\b)[\w'’&-]+(?:\s+[\w'’&-]+){0,5}?)\s+"
    r"(?P<verb>need|needs|deserve|deserves)\s+(?!to\b)(?P<rest>.+)$",
    re.I,
)
DO_VERBS = frozenset(
    [
        "give",
        "make",
        "let",
        "offer",
        "provide",
        "stop",
        "start",
        "fund",
        "train",
        "pay",
        "create",
        "set",
        "bring",
        "allow",
        "ensure",
        "build",
        "use",
        "share",
        "involve",
        "ask",
        "listen",
        "treat",
        "recognise",
        "recognize",
        "invest",
        "hire",
        "recruit",
        "introduce",
        "include",
        "open",
        "extend",
        "cut",
        "reduce",
        "increase",
        "support",
        "publish",
        "measure",
        "link",
        "employ",
        "protect",
        "end",
        "scrap",
        "fix",
        "simplify",
        "reward",
        "value",
        "respect",
        "tell",
        "talk",
        "explain",
        "send",
        "check",
        "review",
        "plan",
        "design",
        "co-design",
        "assign",
        "appoint",
        "commission",
        "pilot",
        "expand",
        "guarantee",
        "help",
        "put",
        "keep",
        "join",
        "integrate",
        "replace",
        "move",
        "hold",
        "run",
        "invite",
        "connect",
        "track",
        "report",
        "record",
        "update",
        "prioritise",
        "prioritize",
        "focus",
    ]
)


def ask_of(sentence: str) -> Ask:
    s = sentence.strip()
    if not s or s.endswith("?") and not _WE.match(s):
        return Ask.NONE
    if _WE.match(s):
        return Ask.WE
    if _THERE.match(s):
        return Ask.THERE
    if _SHOULD.match(s):
        return Ask.SHOULD
    if _NEED.match(s):
        return Ask.NEED
    first = words(s)[:1]
    if first and first[0].lower() in DO_VERBS and not re.match(r"^\w+(s|ed|ing)\b", first[0], re.I):
        return Ask.DO
    return Ask.NONE


_HEAD_END = frozenset(["with", "of", "from", "in", "at", "for", "on", "who", "that", "to", "which", "across"])
_FIRST_PERSON = {"my": "their", "me": "them", "i": "they", "mine": "theirs", "myself": "themselves"}


def _plural(subject: str) -> bool:
    """Whether a subject's head noun is plural ("people with severe mental illness" -> yes)."""
    head: list[str] = []
    for w in words(subject):
        if w.lower() in _HEAD_END:
            break
        head.append(w)
    last = (head or words(subject) or [""])[-1].lower()
    if last in {"people", "children", "staff", "we", "they", "families", "police", "teams"}:
        return True
    return last.endswith("s") and not last.endswith(("ss", "us", "is"))


def _agree(vp: str, subject: str) -> str:
    """The verb phrase after "should" agreeing with its subject ("should be" -> "is"/"are")."""
    head, _, rest = vp.partition(" ")
    low = head.lower()
    plural = _plural(subject)
    irregular = {"be": ("is", "are"), "have": ("has", "have"), "do": ("does", "do"), "go": ("goes", "go")}
    if low in irregular:
        verb = irregular[low][1 if plural else 0]
    elif plural or not low.isalpha():
        verb = head
    elif low.endswith(("s", "sh", "ch", "x", "z", "o")):
        verb = head + "es"
    elif low.endswith("y") and len(low) > 1 and low[-2] not in "aeiou":
        verb = head[:-1] + "ies"
    else:
        verb = head + "s"
    return f"{verb} {rest}".strip()


def _lower_first(text: str) -> str:
    if len(text) > 1 and (text[1].isupper() or text.startswith(("I ", "I'"))):
        return text
    return text[:1].lower() + text[1:]


def we_must(sentence: str) -> str | None:
    """The sentence as a "We must ..." statement, or None when it asks for nothing."""
    s = strip_opening(sentence).strip().rstrip(".!?… ").strip()
    kind = ask_of(s)
    body: str | None = None
    if kind is Ask.WE and (m := _WE.match(s)):
        body = m.group("vp")
    elif kind is Ask.THERE and (m := _THERE.match(s)):
        rest = m.group("rest")
        body = f"make sure there {'are' if _plural(' '.join(words(rest)[:3])) else 'is'} {rest}"
    elif kind is Ask.SHOULD and (m := _SHOULD.match(s)):
        body = f"make sure {_lower_first(m.group('subj'))} {_agree(m.group('vp'), m.group('subj'))}"
    elif kind is Ask.NEED and (m := _NEED.match(s)):
        subj = m.group("subj")
        body = f"make sure {_lower_first(subj)} {'get' if _plural(subj) else 'gets'} {m.group('rest')}"
    elif kind is Ask.DO:
        body = s
    if not body or len(words(body)) < 2:
        return None
    body = re.sub(r"^(?:really|just|also|please)\s+", "", body.strip(), flags=re.I)
    # a statement speaks for everyone: "into my language" -> "into their language"
    body = re.sub(r"\b(my|me|mine|myself)\b", lambda m: _FIRST_PERSON[m.group(1).lower()], body, flags=re.I)
    return f"We must {_lower_first(body)}."


_SUGGESTION = re.compile(
    r"^(?:my suggestion would be to|(?:i'?d|i would|we'?d) (?:like|love) to see (?:us )?|"
    r"(?:it )?would be (?:great|good|nice) to|surely we can|idea:|suggestion:)\s+(?P<vp>.+)$",
    re.I,
)


def as_written(sentence: str) -> str:
    """A sentence as a person wrote it, opening dropped ("My suggestion would be to book ..." -> "Book
    ..."), capitalised, with a full stop."""
    s = strip_opening(sentence).strip()
    if m := _SUGGESTION.match(s):
        s = m.group("vp")
    if s and s[-1] not in ".!?":
        s += "."
    return sentence_case(s)


@dataclass(frozen=True)
class Sentence:
    """One sentence of one contribution, ready to be drafted from."""

    text: str  # as written, opening stripped
    contribution_id: str
    author: str
    theme: int
    ask: Ask
    support: float = 0.0


def usable_sentence(sentence: str) -> bool:
    count = len(words(sentence))
    if count < 5 or count > 40 or has_personal_data(sentence):
        return False
    if sentence.rstrip().endswith("?") or is_short_reply(sentence):
        return False
    return len(content_words(sentence)) >= 2
