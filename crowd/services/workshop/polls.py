"""The straw poll on a workshop's draft: one answer per participant, changeable."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

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
    counts = {choice: 0 for choice in PollChoice}
    rows = session.exec(
        select(PollAnswer.choice, func.count())
        .where(PollAnswer.workshop_id == workshop_id)
        .group_by(PollAnswer.choice)
    )
    for choice, n in rows:
        counts[PollChoice(choice)] = n
    mine = None
    if participant_id is not None:
        mine = session.exec(
            select(PollAnswer.choice).where(
                PollAnswer.workshop_id == workshop_id, PollAnswer.participant_id == participant_id
            )
        ).first()
    return PollResults(counts, PollChoice(mine) if mine else None)
