"""A participant's own activity: ideas, comments, votes and poll answers in one place."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from crowd.models import Contribution, ContributionKind, PollAnswer, Vote, Workshop
from crowd.services.errors import NotFound


@dataclass
class Activity:
    ideas: list[Contribution]
    comments: list[Contribution]
    votes: list[tuple[Vote, Contribution]]
    polls: list[tuple[PollAnswer, Workshop]]
    workshops: dict[int, Workshop]


def own_contribution(session: Session, *, contribution_id: int, participant_id: int) -> Contribution:
    """The person's own contribution (not withdrawn); NotFound for anyone else's."""
    contribution = session.get(Contribution, contribution_id)
    if contribution is None or contribution.author_id != participant_id or contribution.withdrawn_at:
        raise NotFound("That contribution is not available.")
    return contribution


def my_activity(session: Session, *, participant_id: int) -> Activity:
    mine = list(
        session.exec(
            select(Contribution)
            .where(Contribution.author_id == participant_id, col(Contribution.withdrawn_at).is_(None))
            .order_by(col(Contribution.id).desc())
        )
    )
    votes = list(
        session.exec(
            select(Vote, Contribution)
            .join(Contribution, col(Contribution.id) == Vote.contribution_id)
            .where(Vote.participant_id == participant_id)
            .order_by(col(Vote.updated_at).desc())
        )
    )
    polls = list(
        session.exec(
            select(PollAnswer, Workshop)
            .join(Workshop, col(Workshop.id) == PollAnswer.workshop_id)
            .where(PollAnswer.participant_id == participant_id)
        )
    )
    ids = {c.workshop_id for c in mine} | {c.workshop_id for _, c in votes}
    workshops = (
        {w.id: w for w in session.exec(select(Workshop).where(col(Workshop.id).in_(ids)))} if ids else {}
    )
    return Activity(
        ideas=[c for c in mine if c.kind == ContributionKind.IDEA],
        comments=[c for c in mine if c.kind == ContributionKind.COMMENT],
        votes=votes,
        polls=polls,
        workshops=workshops,
    )
