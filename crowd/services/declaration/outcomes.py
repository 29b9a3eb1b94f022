"""Measurable outcomes: units and their values, red/amber/green, and honest wording suggestions."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from sqlmodel import Session, col, select

from crowd.models import (
    AssessmentStatus,
    Contribution,
    Direction,
    Evidence,
    EvidenceKind,
    Foundation,
    Outcome,
    OutcomeKind,
    OutcomeUnit,
)
from crowd.services import audit
from crowd.services.errors import DomainError, NotFound, ValidationFailed

YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}


class Rag(StrEnum):
    """Red/amber/green against a target.

    GREEN: at or beyond the target in the outcome's direction. AMBER: not there yet, but at least
    halfway from the baseline to the target. RED: otherwise (or no baseline to measure halfway from).
    Met / partly / not yet map to green / amber / red. NONE: nothing recorded, or no target.
    """

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NONE = "none"

    @property
    def label(self) -> str:
        return {"green": "Green", "amber": "Amber", "red": "Red", "none": "No rating"}[self.value]

    @property
    def tag_colour(self) -> str:
        return {"green": "green", "amber": "yellow", "red": "red", "none": "grey"}[self.value]


def parse_value(unit: OutcomeUnit | str, raw: object, *, field_name: str = "value") -> float:
    """A value checked against its unit: percentage 0-100, count a whole number >= 0, rate >= 0,
    yes/no, scale 1-5. Raises DomainError naming the field."""
    unit = OutcomeUnit(unit)
    text = str(raw if raw is not None else "").strip().lower().rstrip("%").strip()
    if unit == OutcomeUnit.YES_NO:
        if text in YES:
            return 1.0
        if text in NO:
            return 0.0
        raise DomainError("Answer yes or no.", field=field_name)
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        raise DomainError(
            f"Enter a number for this {unit.value.replace('_', ' ')}.", field=field_name
        ) from None
    if not math.isfinite(number):
        raise DomainError("Enter an ordinary number.", field=field_name)
    if unit == OutcomeUnit.PERCENTAGE and not 0 <= number <= 100:
        raise DomainError("A percentage must be between 0 and 100.", field=field_name)
    if unit == OutcomeUnit.COUNT and (number < 0 or number != int(number)):
        raise DomainError("A count must be a whole number, 0 or more.", field=field_name)
    if unit == OutcomeUnit.RATE and number < 0:
        raise DomainError("A rate must be 0 or more.", field=field_name)
    if unit == OutcomeUnit.SCALE and not 1 <= number <= 5:
        raise DomainError("A scale value must be between 1 and 5.", field=field_name)
    return number


def format_value(unit: OutcomeUnit | str, value: float | None) -> str:
    if value is None:
        return ""
    unit = OutcomeUnit(unit)
    if unit == OutcomeUnit.YES_NO:
        return "Yes" if value >= 0.5 else "No"
    shown = f"{value:g}"
    return f"{shown}%" if unit == OutcomeUnit.PERCENTAGE else shown


def rag(
    *,
    value: float | None,
    status: AssessmentStatus | str | None = None,
    baseline: float | None,
    target: float | None,
    direction: Direction | str,
) -> Rag:
    """Rate a recorded value (or met/partly/not yet) against the target; see `Rag`."""
    if status:
        return {"met": Rag.GREEN, "partly": Rag.AMBER, "not_yet": Rag.RED}[AssessmentStatus(status).value]
    if value is None or target is None:
        return Rag.NONE
    sign = 1 if Direction(direction) == Direction.HIGHER else -1
    if sign * (value - target) >= 0:
        return Rag.GREEN
    if baseline is not None and sign * (target - baseline) > 0:
        halfway = baseline + (target - baseline) / 2
        if sign * (value - halfway) >= 0:
            return Rag.AMBER
    return Rag.RED


@dataclass
class OutcomeForm:
    name: str = ""
    definition: str = ""
    unit: str = ""
    direction: str = Direction.HIGHER.value
    baseline: str = ""
    target: str = ""
    period: str = ""
    data_source: str = ""
    kind: str = OutcomeKind.ACHIEVEMENT.value
    suggestion: bool = field(default=False)

    @classmethod
    def of(cls, outcome: Outcome) -> OutcomeForm:
        return cls(
            name=outcome.name,
            definition=outcome.definition,
            unit=outcome.unit.value,
            direction=outcome.direction.value,
            baseline=_plain_number(outcome.unit, outcome.baseline),
            target=_plain_number(outcome.unit, outcome.target),
            period=outcome.period,
            data_source=outcome.data_source,
            kind=outcome.kind.value,
        )


def _plain_number(unit: OutcomeUnit, value: float | None) -> str:
    if value is None:
        return ""
    if unit == OutcomeUnit.YES_NO:
        return "yes" if value >= 0.5 else "no"
    return f"{value:g}"


def _checked(form: OutcomeForm) -> dict:
    errors: dict[str, str] = {}
    name = form.name.strip()
    if not name:
        errors["name"] = "Enter a name for the outcome"
    elif len(name) > 200:
        errors["name"] = "The name must be 200 characters or fewer"
    if not form.definition.strip():
        errors["definition"] = "Say how the outcome is measured"
    unit = direction = kind = None
    try:
        unit = OutcomeUnit(form.unit)
    except ValueError:
        errors["unit"] = "Choose a unit"
    try:
        direction = Direction(form.direction)
    except ValueError:
        errors["direction"] = "Choose whether higher or lower is better"
    try:
        kind = OutcomeKind(form.kind)
    except ValueError:
        errors["kind"] = "Choose ambition, action or achievement"
    baseline = target = None
    if unit is not None:
        if form.baseline.strip():
            try:
                baseline = parse_value(unit, form.baseline, field_name="baseline")
            except DomainError as error:
                errors["baseline"] = f"Baseline: {error.message}"
        if not form.target.strip():
            errors["target"] = "Enter a target: an outcome without a target cannot be measured"
        else:
            try:
                target = parse_value(unit, form.target, field_name="target")
            except DomainError as error:
                errors["target"] = f"Target: {error.message}"
    if len(form.period.strip()) > 60:
        errors["period"] = "The period must be 60 characters or fewer"
    if len(form.data_source.strip()) > 300:
        errors["data_source"] = "The data source must be 300 characters or fewer"
    if errors:
        raise ValidationFailed(errors)
    return {
        "name": name,
        "definition": form.definition.strip(),
        "unit": unit,
        "direction": direction,
        "kind": kind,
        "baseline": baseline,
        "target": target,
        "period": form.period.strip(),
        "data_source": form.data_source.strip(),
    }


def save_outcome(
    session: Session,
    *,
    actor_id: int | None,
    foundation_id: int,
    form: OutcomeForm,
    outcome_id: int | None = None,
) -> Outcome:
    """Add or edit an outcome of a foundation; a target is required and checked against the unit."""
    foundation = session.get(Foundation, foundation_id)
    if foundation is None:
        raise NotFound("There is no such foundation.")
    values = _checked(form)
    if outcome_id is None:
        position = len(outcomes_of(session, foundation_id=foundation_id))
        outcome = Outcome(foundation_id=foundation_id, position=position, **values)
        before = None
    else:
        outcome = session.get(Outcome, outcome_id)
        if outcome is None or outcome.foundation_id != foundation_id:
            raise NotFound("There is no such outcome.")
        before = outcome.model_dump(mode="json")
        for key, value in values.items():
            setattr(outcome, key, value)
    audit.record_saved(
        session,
        outcome,
        actor_id=actor_id,
        action="edit_outcome" if before else "add_outcome",
        target_type="outcome",
        before=before,
    )
    return outcome


def delete_outcome(session: Session, *, actor_id: int | None, foundation_id: int, outcome_id: int) -> None:
    outcome = session.get(Outcome, outcome_id)
    if outcome is None or outcome.foundation_id != foundation_id:
        raise NotFound("There is no such outcome.")
    audit.record(
        session,
        actor_id=actor_id,
        action="delete_outcome",
        target_type="outcome",
        target_id=outcome_id,
        before=outcome.model_dump(mode="json"),
    )
    session.delete(outcome)


def outcomes_of(session: Session, *, foundation_id: int) -> list[Outcome]:
    query = (
        select(Outcome).where(Outcome.foundation_id == foundation_id).order_by(Outcome.position, Outcome.id)
    )
    return list(session.exec(query))


def outcomes_missing_targets(session: Session, *, foundation_id: int) -> list[Outcome]:
    return [o for o in outcomes_of(session, foundation_id=foundation_id) if o.target is None]


# --- wording suggestions -------------------------------------------------------------------------

_STOPWORD_TEXT = """a about above after again all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each even every few for from further
    get got had has have having he her here hers him his how i if in into is it its just know like
    make me more most much must my need needs no nor not now of off on once one only or other our
    out over own really same she should so some such than that the their them then there these they
    this those through to too under until up us very want was way we well were what when where which
    while who whom why will with would you your i'm it's don't can't we're they're also lot things
    thing people person"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
WORD = re.compile(r"[a-z][a-z'-]+")


def key_phrases(texts: list[str], *, limit: int = 3) -> list[str]:
    """The most frequent two- and three-word phrases (no stopword at either end) across the texts;
    single words when no phrase repeats."""
    counts: Counter[str] = Counter()
    words_count: Counter[str] = Counter()
    for text in texts:
        words = WORD.findall(text.lower())
        seen: set[str] = set()
        for size in (2, 3):
            for i in range(len(words) - size + 1):
                gram = words[i : i + size]
                if gram[0] in STOPWORDS or gram[-1] in STOPWORDS:
                    continue
                seen.add(" ".join(gram))
        counts.update(seen)  # each text counts a phrase once
        words_count.update({w for w in words if w not in STOPWORDS and len(w) > 3})
    repeated = [p for p, n in counts.most_common() if n > 1]
    chosen = repeated or [w for w, _ in words_count.most_common()]
    return chosen[:limit]


def suggest_outcome(session: Session, *, foundation_id: int) -> OutcomeForm:
    """A starting point built from the foundation's pinned quotes: the moderator must edit it.

    Honest and simple: the most frequent key phrase of the quoted contributions becomes "Percentage
    of people who say <phrase>", measured by survey. Nothing is saved here.
    """
    foundation = session.get(Foundation, foundation_id)
    if foundation is None:
        raise NotFound("There is no such foundation.")
    texts = list(
        session.exec(
            select(Contribution.text)
            .join(Evidence, col(Evidence.contribution_id) == col(Contribution.id))
            .where(Evidence.foundation_id == foundation_id, Evidence.kind == EvidenceKind.QUOTE)
        )
    )
    phrases = key_phrases(texts) if texts else []
    if not phrases:
        phrases = key_phrases([foundation.statement, foundation.looks_like]) or [foundation.title.lower()]
    phrase = phrases[0]
    others = ", ".join(f'"{p}"' for p in phrases[1:])
    basis = f"{len(texts)} pinned quote{'s' if len(texts) != 1 else ''}" if texts else "the statement"
    return OutcomeForm(
        name=f"Percentage of people who say {phrase} ...",
        definition=(
            f'Share of people asked in a local survey who agree with a statement about "{phrase}". '
            f"(Suggested from {basis}; other frequent phrases: {others or 'none'}. Edit before saving.)"
        ),
        unit=OutcomeUnit.PERCENTAGE.value,
        direction=Direction.HIGHER.value,
        kind=OutcomeKind.ACHIEVEMENT.value,
        data_source="Local survey of people using services and staff",
        suggestion=True,
    )
