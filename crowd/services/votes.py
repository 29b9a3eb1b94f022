"""Votes: one current vote per participant per contribution, changeable, never double counted.

A vote locks its contribution's row first (an UPDATE), so concurrent votes on one item queue up, and
counts change by deltas computed from the participant's previous vote inside the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, select

from crowd.models import Contribution, ContributionStatus, Vote, VoteChoice, Workshop
from crowd.models._base import utcnow
from crowd.services.contributions import wilson_lower_bound
from crowd.services.errors import DomainError, NotFound
from crowd.services.workshops import require_open

COUNT_COLUMN = {
    VoteChoice.AGREE: "agree_count",
    VoteChoice.DISAGREE: "disagree_count",
    VoteChoice.PASS: "pass_count",
}


@dataclass(frozen=True)
class Tally:
    contribution_id: int
    agree: int
    disagree: int
    passed: int
    mine: VoteChoice | None

    @property
    def total(self) -> int:
        return self.agree + self.disagree + self.passed


def parse_choice(raw: str) -> VoteChoice:
    try:
        return VoteChoice(raw)
    except ValueError:
        raise DomainError("Choose agree, disagree or pass.", field="choice") from None


def cast_vote(session: Session, *, participant_id: int, contribution_id: int, choice: VoteChoice) -> Tally:
    """Record or change a vote and return the item's new tally."""
    locked = session.exec(  # type: ignore[call-overload]
        update(Contribution)
        .where(
            col(Contribution.id) == contribution_id,
            col(Contribution.status) != ContributionStatus.HIDDEN,
            col(Contribution.withdrawn_at).is_(None),
        )
        .values(agree_count=Contribution.agree_count)
    )
    if locked.rowcount != 1:
        raise NotFound("That idea or comment is not available for voting.")
    contribution = session.get(Contribution, contribution_id)
    assert contribution is not None
    workshop = session.get(Workshop, contribution.workshop_id)
    assert workshop is not None
    require_open(workshop)
    vote = session.exec(
        select(Vote).where(Vote.participant_id == participant_id, Vote.contribution_id == contribution_id)
    ).first()
    deltas = {name: 0 for name in COUNT_COLUMN.values()}
    if vote is None:
        session.add(Vote(participant_id=participant_id, contribution_id=contribution_id, choice=choice))
        deltas[COUNT_COLUMN[choice]] += 1
    elif vote.choice != choice:
        deltas[COUNT_COLUMN[vote.choice]] -= 1
        deltas[COUNT_COLUMN[choice]] += 1
        vote.choice, vote.updated_at = choice, utcnow()
        session.add(vote)
    if any(deltas.values()):
        values = {name: getattr(Contribution, name) + delta for name, delta in deltas.items() if delta}
        session.exec(update(Contribution).where(col(Contribution.id) == contribution_id).values(**values))  # type: ignore[call-overload]
        session.refresh(contribution)
        contribution.support = wilson_lower_bound(contribution.agree_count, contribution.disagree_count)
        session.add(contribution)
    session.flush()
    return Tally(
        contribution_id,
        contribution.agree_count,
        contribution.disagree_count,
        contribution.pass_count,
        choice,
    )


def my_votes(session: Session, *, participant_id: int, contribution_ids: list[int]) -> dict[int, VoteChoice]:
    if not contribution_ids:
        return {}
    rows = session.exec(
        select(Vote.contribution_id, Vote.choice).where(
            Vote.participant_id == participant_id, col(Vote.contribution_id).in_(contribution_ids)
        )
    )
    return {cid: VoteChoice(choice) for cid, choice in rows}


def tally_of(contribution: Contribution, mine: VoteChoice | None) -> Tally:
    return Tally(
        contribution.id, contribution.agree_count, contribution.disagree_count, contribution.pass_count, mine
    )
