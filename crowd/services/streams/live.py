"""Live events: a lead opens one question at a time; attendees answer from their phones without an account.

Each device (an anonymous id in the session cookie) keeps one current answer per question and may change
it a limited number of times. Open-text answers also become notes of the workshop in the "event" stream.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from crowd.models import (
    Contribution,
    ContributionKind,
    ContributionStatus,
    LiveAnswer,
    LiveEvent,
    LiveQuestion,
    QuestionKind,
    QuestionStatus,
    Stream,
    Workshop,
    WorkshopStatus,
)
from crowd.models._base import utcnow
from crowd.services import audit
from crowd.services.errors import Conflict, DomainError, NotFound, ValidationFailed
from crowd.services.masking import mask_personal_data
from crowd.services.workshop.contributions import clean_text
from crowd.services.workshop.workshops import effective_status

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I
CODE_LENGTH = 6
MAX_CHANGES = 10
MAX_OPTIONS = 12
MAX_WORD = 40
WORD_SIZES = 5


class TooManyAnswers(DomainError):
    status_code = 429


@dataclass
class QuestionDraft:
    prompt: str = ""
    kind: str = QuestionKind.CHOICE.value
    options: str = ""  # one per line (multiple choice only)


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:12]


def _new_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if session.exec(select(LiveEvent.id).where(LiveEvent.code == code)).first() is None:
            return code


def create_event(session: Session, *, actor_id: int | None, workshop_id: int | None, title: str) -> LiveEvent:
    title = (title or "").strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = "Give the event a title."
    elif len(title) > 200:
        errors["title"] = "Keep the title to 200 characters or fewer."
    if workshop_id is None or session.get(Workshop, workshop_id) is None:
        errors["workshop_id"] = "Choose the workshop that open-text answers go into."
    if errors:
        raise ValidationFailed(errors)
    event = LiveEvent(workshop_id=workshop_id, title=title, code=_new_code(session), created_by=actor_id)
    session.add(event)
    session.flush()
    audit.record(
        session, actor_id=actor_id, action="live.create", target_type="live_event", target_id=event.id,
        after={"title": title, "code": event.code, "workshop_id": workshop_id},
    )  # fmt: skip
    return event


def add_question(
    session: Session, *, actor_id: int | None, event_id: int, draft: QuestionDraft
) -> LiveQuestion:
    event = get_event(session, event_id)
    prompt = (draft.prompt or "").strip()
    errors: dict[str, str] = {}
    if not prompt:
        errors["prompt"] = "Write the question."
    elif len(prompt) > 300:
        errors["prompt"] = "Keep the question to 300 characters or fewer."
    try:
        kind = QuestionKind(draft.kind)
    except ValueError:
        errors["kind"] = "Choose multiple choice, word cloud or open text."
        kind = QuestionKind.CHOICE
    options = [line.strip()[:100] for line in (draft.options or "").splitlines() if line.strip()]
    if kind == QuestionKind.CHOICE and not 2 <= len(options) <= MAX_OPTIONS:
        errors["options"] = f"Give between 2 and {MAX_OPTIONS} options, one per line."
    if errors:
        raise ValidationFailed(errors)
    position = session.exec(select(func.count()).where(LiveQuestion.event_id == event.id)).one()
    question = LiveQuestion(
        event_id=event.id,
        position=position + 1,
        kind=kind,
        prompt=prompt,
        options=options if kind == QuestionKind.CHOICE else [],
    )
    session.add(question)
    session.flush()
    audit.record(
        session, actor_id=actor_id, action="live.add_question", target_type="live_question",
        target_id=question.id, after={"prompt": prompt, "kind": kind.value, "options": question.options},
    )  # fmt: skip
    return question


def get_event(session: Session, event_id: int) -> LiveEvent:
    event = session.get(LiveEvent, event_id)
    if event is None:
        raise NotFound("No such live event.")
    return event


def event_by_code(session: Session, code: str) -> LiveEvent:
    event = session.exec(select(LiveEvent).where(LiveEvent.code == normalise_code(code))).first()
    if event is None:
        raise NotFound("There is no live event with that code. Check the code on the screen and try again.")
    return event


def questions(session: Session, *, event_id: int) -> list[LiveQuestion]:
    query = select(LiveQuestion).where(LiveQuestion.event_id == event_id).order_by(col(LiveQuestion.position))
    return list(session.exec(query))


def open_question(session: Session, *, event_id: int) -> LiveQuestion | None:
    query = select(LiveQuestion).where(
        LiveQuestion.event_id == event_id, LiveQuestion.status == QuestionStatus.OPEN
    )
    return session.exec(query).first()


def list_events(session: Session) -> list[LiveEvent]:
    return list(session.exec(select(LiveEvent).order_by(col(LiveEvent.id).desc())))


def set_open(
    session: Session, *, actor_id: int | None, event_id: int, question_id: int | None
) -> LiveQuestion | None:
    """Open one question (closing any other), or close the open one when question_id is None."""
    event = get_event(session, event_id)
    now = utcnow()
    current = open_question(session, event_id=event.id)
    if current is not None and current.id != question_id:
        current.status = QuestionStatus.CLOSED
        current.closed_at = now
        session.add(current)
    chosen = None
    if question_id is not None:
        chosen = session.get(LiveQuestion, question_id)
        if chosen is None or chosen.event_id != event.id:
            raise NotFound("No such question in this event.")
        chosen.status = QuestionStatus.OPEN
        chosen.opened_at = chosen.opened_at or now
        chosen.closed_at = None
        session.add(chosen)
    audit.record(
        session, actor_id=actor_id, action="live.open" if chosen else "live.close", target_type="live_event",
        target_id=event.id, after={"question_id": question_id},
    )  # fmt: skip
    session.flush()
    return chosen


def _word(raw: str) -> str:
    word = " ".join((raw or "").split())
    if not word:
        raise DomainError("Type a word or two.", field="answer")
    if len(word) > MAX_WORD:
        raise DomainError(f"Keep it to {MAX_WORD} characters or fewer.", field="answer")
    return word


@dataclass
class Answered:
    event: LiveEvent
    question: LiveQuestion
    answer: LiveAnswer


def answer(session: Session, *, code: str, question_id: int, device: str, value: str) -> Answered:
    """Record or change this device's answer to the open question."""
    event = event_by_code(session, code)
    question = session.get(LiveQuestion, question_id)
    if question is None or question.event_id != event.id:
        raise NotFound("That question is not part of this event.")
    if question.status != QuestionStatus.OPEN:
        raise Conflict("That question has closed. Look at the screen for the next one.")
    workshop = session.get(Workshop, event.workshop_id)
    if workshop is None or effective_status(workshop) != WorkshopStatus.OPEN:
        raise Conflict("This event's workshop is closed: answers are no longer taken.")
    mine = session.exec(
        select(LiveAnswer).where(LiveAnswer.question_id == question.id, LiveAnswer.device == device)
    ).first()
    if mine is not None and mine.changes >= MAX_CHANGES:
        raise TooManyAnswers("You have changed this answer too many times. Your last answer is kept.")
    option, text, masked = _parse_value(question, value)
    if mine is None:
        mine = LiveAnswer(question_id=question.id, device=device)
    else:
        mine.changes += 1
        mine.updated_at = utcnow()
    mine.option, mine.text = option, text
    if question.kind == QuestionKind.OPEN_TEXT:
        mine.contribution_id = _as_note(session, event=event, question=question, answer=mine, masked=masked)
    session.add(mine)
    session.flush()
    return Answered(event, question, mine)


def _parse_value(question: LiveQuestion, value: str) -> tuple[int | None, str | None, str]:
    """The option index or the (masked) text of an answer, and the kinds of personal data masked."""
    if question.kind == QuestionKind.CHOICE:
        try:
            index = int(value)
        except (TypeError, ValueError):
            index = -1
        if not 0 <= index < len(question.options):
            raise DomainError("Choose one of the options.", field="answer")
        return index, None, ""
    masking = mask_personal_data(
        _word(value) if question.kind == QuestionKind.WORD_CLOUD else clean_text(value)
    )
    return None, masking.text, ",".join(masking.kinds)


def _as_note(
    session: Session, *, event: LiveEvent, question: LiveQuestion, answer: LiveAnswer, masked: str
) -> int:
    """Put an open-text answer into the workshop as an event-stream note (updated when it changes)."""
    note = session.get(Contribution, answer.contribution_id) if answer.contribution_id else None
    if note is None:
        note = Contribution(
            workshop_id=event.workshop_id,
            kind=ContributionKind.NOTE,
            stream=Stream.EVENT,
            text=answer.text or "",
            source_ref=f"{event.title}: {question.prompt}"[:300],
            source_date=utcnow(),
            # anonymous words: a moderator looks before they join the workshop (see moderation.hold)
            status=ContributionStatus.HIDDEN,
        )
    elif note.moderated_at is not None and note.text != (answer.text or ""):
        from crowd.services.workshop import moderation

        moderation.hold(session, contribution=note, reason="live answer changed after moderation")
    note.text = answer.text or ""
    note.masked = masked
    note.updated_at = utcnow()
    session.add(note)
    session.flush()
    assert note.id is not None
    return note.id


def my_answer(session: Session, *, question_id: int, device: str) -> LiveAnswer | None:
    return session.exec(
        select(LiveAnswer).where(LiveAnswer.question_id == question_id, LiveAnswer.device == device)
    ).first()


@dataclass
class Results:
    question: LiveQuestion
    total: int = 0
    bars: list[tuple[str, int, float]] = field(default_factory=list)  # option, count, share of answers
    words: list[tuple[str, int, int]] = field(default_factory=list)  # word, count, size 1..WORD_SIZES
    texts: list[str] = field(default_factory=list)  # newest first


def results(session: Session, *, question: LiveQuestion, text_limit: int = 100) -> Results:
    found = Results(question)
    found.total = session.exec(select(func.count()).where(LiveAnswer.question_id == question.id)).one()
    if question.kind == QuestionKind.CHOICE:
        counts = dict(
            session.exec(
                select(LiveAnswer.option, func.count())
                .where(LiveAnswer.question_id == question.id)
                .group_by(col(LiveAnswer.option))
            ).all()
        )
        found.bars = [
            (label, counts.get(i, 0), counts.get(i, 0) / found.total if found.total else 0.0)
            for i, label in enumerate(question.options)
        ]
    elif question.kind == QuestionKind.WORD_CLOUD:
        texts = session.exec(select(LiveAnswer.text).where(LiveAnswer.question_id == question.id)).all()
        counts = Counter(" ".join((t or "").lower().split()) for t in texts if t)
        top = counts.most_common(60)
        most = top[0][1] if top else 1
        found.words = sorted(
            ((word, n, 1 + round((WORD_SIZES - 1) * (n - 1) / max(most - 1, 1))) for word, n in top),
            key=lambda item: item[0],
        )
    else:
        query = (
            select(LiveAnswer.text)
            .where(LiveAnswer.question_id == question.id)
            .order_by(col(LiveAnswer.updated_at).desc(), col(LiveAnswer.id).desc())
            .limit(text_limit)
        )
        found.texts = [t for t in session.exec(query).all() if t]
    return found
