"""The straw poll on a workshop's draft: one answer per participant, changeable."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select

from crowd.models import PollAnswer, PollChoice, Workshop
from crowd.models._base import utcnow
from crowd.services.errors import DomainError
from crowd.services.workshop.workshops import require_open


@dataclass(frozen=True)
class PollResults:
    counts: dict[PollChoice, int]
    mine: PollChoice | None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def share(self, choice: PollChoice) -> float:
        return self.counts[choice] / self.total if self.total else 0.0

    @property
    def support_share(self) -> float:
        """Share who support the draft completely or mostly."""
        return self.share(PollChoice.COMPLETELY) + self.share(PollChoice.MOSTLY)


def parse_choice(raw: str) -> PollChoice:
    try:
        return PollChoice(raw)
    except ValueError:
        raise DomainError("Choose one answer.", field="choice") from None


def answer(session: Session, *, workshop: Workshop, participant_id: int, choice: PollChoice) -> PollAnswer:
    require_open(workshop)
    row = session.exec(
        select(PollAnswer).where(
            PollAnswer.workshop_id == workshop.id, PollAnswer.participant_id == participant_id
        )
    ).first()
    if row is None:
        row = PollAnswer(workshop_id=workshop.id, participant_id=participant_id, choice=choice)
    else:
        row.choice, row.updated_at = choice, utcnow()
    session.add(row)
    session.flush()
    return row


def results(session: Session, *, workshop_id: int, participant_id: int | None = None) -> PollResults:
    return PollResults(
        counts(session, workshop_id=workshop_id),
        answer_of(session, workshop_id=workshop_id, participant_id=participant_id),
    )


_COUNTS = (
    select(PollAnswer.choice, func.count())
    .where(col(PollAnswer.workshop_id) == bindparam("workshop_id"))
    .group_by(PollAnswer.choice)
)
_ANSWER = select(PollAnswer.choice).where(
    col(PollAnswer.workshop_id) == bindparam("workshop_id"),
    col(PollAnswer.participant_id) == bindparam("participant_id"),
)


def counts(session: Session, *, workshop_id: int) -> dict[PollChoice, int]:
    """How many gave each answer (alike for everyone: the workshop page keeps it in its page cache)."""
    found = {choice: 0 for choice in PollChoice}
    for choice, n in session.connection().execute(_COUNTS, {"workshop_id": workshop_id}):
        found[PollChoice(choice)] = n
    return found


def answer_of(session: Session, *, workshop_id: int, participant_id: int | None) -> PollChoice | None:
    """The participant's own answer, if any (one prepared statement)."""
    if participant_id is None:
        return None
    keys = {"workshop_id": workshop_id, "participant_id": participant_id}
    mine = session.connection().execute(_ANSWER, keys).scalar()
    return PollChoice(mine) if mine else None
