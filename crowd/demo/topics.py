"""Subtopics of the draft: phrase banks parsed from the `phrasebank_*` modules, with how much each
role tends to agree with what is said about them."""

from __future__ import annotations

from dataclasses import dataclass, field

from crowd.demo.phrasebank_outcomes import OUTCOMES
from crowd.demo.phrasebank_personal import GET_PERSONAL, PREAMBLE
from crowd.demo.phrasebank_system import BOUNDARIES, LEADERS

BANKS = ("claim", "problem", "story", "staff", "suggestion", "question")


@dataclass(frozen=True)
class Subtopic:
    key: str
    section: str
    appeal: float
    lean: dict[str, float] = field(default_factory=dict)
    claim: tuple[str, ...] = ()
    problem: tuple[str, ...] = ()
    story: tuple[str, ...] = ()
    staff: tuple[str, ...] = ()
    suggestion: tuple[str, ...] = ()
    question: tuple[str, ...] = ()

    def bank(self, name: str) -> tuple[str, ...]:
        return getattr(self, name)

    @property
    def fragment_count(self) -> int:
        return sum(len(self.bank(name)) for name in BANKS)


def _header(line: str, section: str) -> dict:
    _, key, *options = line.split()
    values: dict = {"key": key, "section": section, "appeal": 0.7, "lean": {}}
    for option in options:
        name, _, raw = option.partition("=")
        if name == "appeal":
            values["appeal"] = float(raw)
        elif name == "lean":
            values["lean"] = {role: float(x) for role, _, x in (p.partition(":") for p in raw.split(","))}
    return values


def parse_topics(text: str, *, section: str) -> tuple[Subtopic, ...]:
    """Parse a phrase-bank block into subtopics; a malformed block raises ValueError."""
    topics: list[Subtopic] = []
    current: dict | None = None
    bank: str | None = None

    def finish() -> None:
        if current is not None:
            topics.append(Subtopic(**{k: tuple(v) if isinstance(v, list) else v for k, v in current.items()}))

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("topic "):
            finish()
            current, bank = _header(line, section), None
        elif line.endswith(":") and line[:-1] in BANKS:
            bank = line[:-1]
            if current is None:
                raise ValueError(f"bank {bank!r} before any topic")
            current[bank] = []
        elif current is None or bank is None:
            raise ValueError(f"fragment outside a bank: {line!r}")
        else:
            current[bank].append(line)
    finish()
    for topic in topics:
        missing = [name for name in BANKS if not topic.bank(name)]
        if missing:
            raise ValueError(f"subtopic {topic.key} has empty banks: {', '.join(missing)}")
    return tuple(topics)


SECTION_KEYS = ("preamble", "personal", "boundaries", "leaders", "outcomes")
TOPICS: dict[str, tuple[Subtopic, ...]] = {
    "preamble": parse_topics(PREAMBLE, section="preamble"),
    "personal": parse_topics(GET_PERSONAL, section="personal"),
    "boundaries": parse_topics(BOUNDARIES, section="boundaries"),
    "leaders": parse_topics(LEADERS, section="leaders"),
    "outcomes": parse_topics(OUTCOMES, section="outcomes"),
}
