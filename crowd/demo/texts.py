"""Write ideas and comments the way people write them, from the phrase banks of a subtopic.

A text is a shape (a one-line suggestion, a story with a suggestion, a staff view in jargon, a question, a
long post ...) filled from one subtopic's banks and joined with varied connectors, then sometimes
roughened (lower case, a typo, no full stop). Staying inside one subtopic keeps texts about the same thing
close in wording, so the theme pipeline has real clusters to find.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from crowd.demo.phrasebank_common import (
    AGREE_OPENERS,
    CAVEAT_OPENERS,
    CAVEATS,
    CLOSINGS,
    COMMENT_ADD_OPENERS,
    CONNECTORS,
    GENERIC_QUESTIONS,
    IDEA_OPENERS,
    OFF_TOPIC,
    PROBLEM_CONNECTORS,
    ROLE_OPENERS,
    SHORT_AGREEMENTS,
    SUGGESTION_OPENERS,
    TYPOS,
)
from crowd.demo.topics import Subtopic

MAX_WORDS = 120
KEEP_CAPITAL = ("I ", "I'", "NHS", "GP", "A&E", "London", "BSL", "PROMs", "MDT", "Section")


class Stance:
    SUPPORT = "support"
    CAVEAT = "caveat"
    QUESTION = "question"
    OFF_TOPIC = "off_topic"


@dataclass(frozen=True)
class Written:
    text: str
    stance: str
    shape: str


def lower_first(sentence: str) -> str:
    """Lower-case a sentence's first letter when it follows a connector, keeping 'I' and acronyms."""
    if not sentence or sentence.startswith(KEEP_CAPITAL):
        return sentence
    if len(sentence) > 1 and sentence[1].isupper():
        return sentence
    return sentence[0].lower() + sentence[1:]


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _profession_opener(profession: str | None) -> str:
    if not profession:
        return ""
    name = profession if profession[:2].isupper() else profession.lower()
    return f"As {_article(name)} {name}, "


def _attach(opener: str, sentence: str) -> str:
    """Put an opener before a sentence, lower-casing the sentence unless the opener ends one."""
    if not opener:
        return sentence
    return opener + sentence if opener.rstrip()[-1] in ".!?" else opener + lower_first(sentence)


def _introduce(opener: str, sentence: str) -> str:
    """Say who is speaking, unless the sentence already does ("As a district nurse I ...")."""
    return sentence if sentence.startswith(("As ", "Speaking as")) else _attach(opener, sentence)


def _words(text: str) -> int:
    return len(text.split())


def _assemble(rng: random.Random, parts: list[str], problems: tuple[str, ...] = ()) -> str:
    """Join sentences, putting a connector before some of the later ones, within MAX_WORDS."""
    out: list[str] = []
    for i, part in enumerate(parts):
        if i > 0 and part not in CLOSINGS and rng.random() < 0.35:
            part = _attach(rng.choice(PROBLEM_CONNECTORS if part in problems else CONNECTORS), part)
        if out and _words(" ".join([*out, part])) > MAX_WORDS:
            break
        out.append(part)
    return " ".join(out)


def _roughen(rng: random.Random, text: str, *, role: str) -> str:
    """Sometimes make a text look typed on a phone: a typo, lower case, a missing full stop."""
    if rng.random() > (0.16 if role == "staff" else 0.32):
        return text
    for _ in range(rng.choice((1, 1, 2))):
        move = rng.random()
        if move < 0.25:
            text = text.lower()
        elif move < 0.45:
            text = text.rstrip(".")
        elif move < 0.7:
            found = [k for k in TYPOS if re.search(rf"\b{re.escape(k)}\b", text)]
            if found:
                key = rng.choice(found)
                text = re.sub(rf"\b{re.escape(key)}\b", TYPOS[key], text, count=1)
        elif move < 0.88:
            words = text.split(" ")
            long = [i for i, w in enumerate(words) if len(w) > 5 and w.isalpha()]
            if long:
                i = rng.choice(long)
                w = words[i]
                j = rng.randrange(1, len(w) - 2)
                words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
                text = " ".join(words)
        else:
            text = text.rstrip(".") + rng.choice(("!!", "!", "...", " !"))
    return text


def _story_or_staff(rng: random.Random, topic: Subtopic, role: str) -> str:
    if role == "staff":
        return rng.choice(topic.staff if rng.random() < 0.8 else topic.story)
    if role == "other":
        return rng.choice(topic.story if rng.random() < 0.6 else topic.staff)
    return rng.choice(topic.story)


def _idea_shape(rng: random.Random, role: str) -> str:
    shapes = ("suggestion", "claim", "claim_problem", "story", "question", "long")
    weights = (20, 14, 18, 26, 8, 14) if role != "staff" else (22, 14, 20, 26, 6, 12)
    return rng.choices(shapes, weights)[0]


def write_idea(rng: random.Random, *, topic: Subtopic, role: str, profession: str | None = None) -> Written:
    shape = _idea_shape(rng, role)
    pick = rng.choice
    if shape == "suggestion":
        opener = pick(SUGGESTION_OPENERS) if rng.random() < 0.45 else ""
        parts = [_attach(opener, pick(topic.suggestion))]
    elif shape == "claim":
        parts = [pick(topic.claim)] + ([pick(CLOSINGS)] if rng.random() < 0.4 else [])
    elif shape == "claim_problem":
        parts = [pick(topic.claim), pick(topic.problem)]
        if rng.random() < 0.6:
            parts.append(pick(topic.suggestion))
    elif shape == "story":
        first = _story_or_staff(rng, topic, role)
        if role == "staff" and rng.random() < 0.5:
            first = _introduce(_profession_opener(profession), first)
        elif role in ROLE_OPENERS and rng.random() < 0.3:
            first = _introduce(pick(ROLE_OPENERS[role]), first)
        parts = [first]
        if rng.random() < 0.5:
            parts.append(pick(topic.problem))
        parts.append(pick(topic.suggestion))
        if rng.random() < 0.35:
            parts.append(pick(CLOSINGS))
    elif shape == "question":
        parts = [pick(topic.question)]
        if rng.random() < 0.5:
            parts.insert(0, pick(topic.claim))
    else:
        opener = pick(IDEA_OPENERS)
        parts = [
            _attach(opener, pick(topic.claim)),
            _story_or_staff(rng, topic, role),
            pick(topic.problem),
            pick(topic.suggestion),
        ]
        extra = [s for s in topic.suggestion if s not in parts]
        if rng.random() < 0.5 and extra:
            parts.append(pick(extra))
        parts.append(pick(CLOSINGS))
    stance = Stance.QUESTION if shape == "question" else Stance.SUPPORT
    return Written(_roughen(rng, _assemble(rng, parts, topic.problem), role=role), stance, shape)


def write_comment(
    rng: random.Random, *, topic: Subtopic, role: str, profession: str | None = None
) -> Written:
    shapes = ("agree", "short", "question", "caveat", "add", "story")
    shape = rng.choices(shapes, (28, 10, 14, 14, 18, 16))[0]
    pick = rng.choice
    stance = Stance.SUPPORT
    if shape == "agree":
        body = pick((*topic.problem, *topic.suggestion, _story_or_staff(rng, topic, role)))
        parts = [_attach(pick(AGREE_OPENERS), body)]
    elif shape == "short":
        parts = [pick(SHORT_AGREEMENTS)]
    elif shape == "question":
        stance = Stance.QUESTION
        question = pick(topic.question) if rng.random() < 0.7 else pick(GENERIC_QUESTIONS)
        parts = (
            [question]
            if rng.random() < 0.6
            else [pick(("Good idea. ", "Interesting. ", "Agree but ")) + question]
        )
    elif shape == "caveat":
        stance = Stance.CAVEAT
        opener = pick(CAVEAT_OPENERS)
        caveat = pick(CAVEATS)
        first = (
            opener + caveat
            if opener.endswith(("but ", ": ", ", "))
            else opener + caveat[0].upper() + caveat[1:]
        )
        parts = [first] + ([pick(topic.problem)] if rng.random() < 0.4 else [])
    elif shape == "add":
        parts = [_attach(pick(COMMENT_ADD_OPENERS), pick(topic.suggestion))]
        if rng.random() < 0.3:
            parts.append(pick(topic.problem))
    else:
        first = _story_or_staff(rng, topic, role)
        if role == "staff" and rng.random() < 0.4:
            first = _introduce(_profession_opener(profession), first)
        parts = [first] + ([pick(CLOSINGS)] if rng.random() < 0.4 else [])
    return Written(_roughen(rng, _assemble(rng, parts, topic.problem), role=role), stance, shape)


def write_off_topic(rng: random.Random, *, role: str) -> Written:
    return Written(_roughen(rng, rng.choice(OFF_TOPIC), role=role), Stance.OFF_TOPIC, "off_topic")


def nhs_number(rng: random.Random) -> str:
    """A random ten-digit NHS number with a valid modulus-11 check digit, spaced 3-3-4."""
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10 and len(set(digits)) > 1:
            raw = "".join(map(str, digits)) + str(check)
            return f"{raw[:3]} {raw[3:6]} {raw[6:]}"


def with_personal_data(rng: random.Random, text: str, *, kind: str) -> str:
    """Add the kind of personal detail people do post ('my NHS number is ...'), for masking to catch."""
    if kind == "nhs_number":
        number = nhs_number(rng)
        extra = rng.choice(
            (
                f"My NHS number is {number} if anyone from the trust wants to look at what happened.",
                f"(my mum's nhs number is {number.replace(' ', '')} so you can check her notes)",
            )
        )
    else:
        number = f"07700 900{rng.randrange(100, 999)}"
        extra = rng.choice(
            (
                f"Happy to talk about it, ring me on {number}.",
                f"If anyone wants to set this up in our area call me {number}",
            )
        )
    return f"{text} {extra}"
