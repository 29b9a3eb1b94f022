"""Vote on ideas one at a time: which idea a participant sees next, and their vote with its mark.

The next idea is drawn by Pol.is's comment routing (`opinions.routing`): among the workshop's shown
ideas the participant has not voted on, each weighs Pol.is's priority, computed from the idea's live
agree / pass / vote counts and its extremity in the latest opinion run (0 for ideas newer than the run,
or before any run). Ideas with few votes (up to nine times the weight with none), ideas people agree
with rather than pass on, and ideas that split people along the map get shown more; an idea the
participant has voted on (passes included) is never offered again.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import exists, update
from sqlmodel import Session, col, func, select

from crowd.models import (
    Contribution,
    ContributionStatus,
    OpinionRun,
    OpinionRunStatus,
    Section,
    Vote,
    VoteChoice,
)
from crowd.models._base import utcnow
from crowd.services.errors import NotFound
from crowd.services.opinions import standings
from crowd.services.workshop import votes
from opinions.routing import choose_next, priority_metric


@dataclass(frozen=True)
class NextIdea:
    idea: Contribution | None
    """None when the participant has voted on every idea."""
    section: Section | None
    voted: int
    """Ideas of the workshop this participant has voted on."""
    total: int
    """Shown ideas in the workshop."""

    @property
    def remaining(self) -> int:
        return self.total - self.voted


def _shown_ideas(workshop_id: int):
    return (
        col(Contribution.workshop_id) == workshop_id,
        col(Contribution.parent_id).is_(None),
        col(Contribution.status) != ContributionStatus.HIDDEN,
        col(Contribution.withdrawn_at).is_(None),
    )


def extremities(session: Session, *, workshop_id: int) -> dict[int, float]:
    """Each statement's extremity in the workshop's latest successful run (empty before any run).
    Reads the run's standings column only, not its (much larger) result."""
    stored = session.exec(
        select(OpinionRun.statements)
        .where(OpinionRun.workshop_id == workshop_id, OpinionRun.status == OpinionRunStatus.OK)
        .order_by(col(OpinionRun.id).desc())
        .limit(1)
    ).first()
    if not stored or stored.get("version") != standings.VERSION:
        return {}
    return {int(s): float(e) for s, e in zip(stored["ids"], stored["extremity"], strict=True)}


def priority_of(agree: int, disagree: int, passed: int, extremity: float) -> float:
    return priority_metric(agree, passed, agree + disagree + passed, extremity)


def next_idea(
    session: Session, *, workshop_id: int, participant_id: int, rng: random.Random | None = None
) -> NextIdea:
    """The idea to show this participant next, drawn by Pol.is's routing priority."""
    voted_on = exists().where(
        col(Vote.contribution_id) == col(Contribution.id), col(Vote.participant_id) == participant_id
    )
    total = session.exec(
        select(func.count()).select_from(Contribution).where(*_shown_ideas(workshop_id))
    ).one()
    candidates = session.exec(
        select(
            Contribution.id, Contribution.agree_count, Contribution.disagree_count, Contribution.pass_count
        )
        .where(*_shown_ideas(workshop_id), ~voted_on)
        .order_by(col(Contribution.id))
    ).all()
    extremity = extremities(session, workshop_id=workshop_id)
    chosen_id = choose_next(
        [cid for cid, *_ in candidates],
        {cid: priority_of(a, d, p, extremity.get(cid, 0.0)) for cid, a, d, p in candidates},
        rng=rng,
    )
    idea = session.get(Contribution, chosen_id) if chosen_id is not None else None
    section = session.get(Section, idea.section_id) if idea and idea.section_id else None
    return NextIdea(idea=idea, section=section, voted=total - len(candidates), total=total)


def vote_and_mark(
    session: Session,
    *,
    workshop_id: int,
    participant_id: int,
    contribution_id: int,
    choice: VoteChoice,
    important: bool,
) -> votes.Tally:
    """Cast (or change) the vote through the votes service, so it is counted once, and store the
    "important to me" mark beside it."""
    belongs = session.exec(
        select(Contribution.id).where(col(Contribution.id) == contribution_id, *_shown_ideas(workshop_id))
    ).first()
    if belongs is None:
        raise NotFound("That idea is not available for voting in this workshop.")
    tally = votes.cast_vote(
        session, participant_id=participant_id, contribution_id=contribution_id, choice=choice
    )
    session.connection().execute(  # updated_at moves too, so caches keyed on it (the board) notice
        update(Vote)
        .where(
            col(Vote.participant_id) == participant_id,
            col(Vote.contribution_id) == contribution_id,
            col(Vote.important).is_not(important),
        )
        .values(important=important, updated_at=utcnow())
    )
    return tally
