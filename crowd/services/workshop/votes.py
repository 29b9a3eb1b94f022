"""Votes: one current vote per participant per contribution, changeable, never double counted.

A vote locks its contribution's row first (SQLite writers are one at a time; PostgreSQL uses FOR UPDATE),
so concurrent votes on one item queue up, and counts change by deltas computed from the participant's
previous vote inside the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, col, select

from crowd.db import OnConnection, Statements
from crowd.models import Contribution, ContributionStatus, Vote, VoteChoice, Workshop
from crowd.models._base import utcnow
from crowd.services.errors import DomainError, NotFound
from crowd.services.workshop.contributions import wilson_lower_bound
from crowd.services.workshop.workshops import require_open

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


_LOCK_TARGET = (
    select(
        Contribution.agree_count,
        Contribution.disagree_count,
        Contribution.pass_count,
        Workshop.status,
        Workshop.opens_at,
        Workshop.closes_at,
        col(Vote.id).label("vote_id"),
        col(Vote.choice).label("previous_choice"),
    )
    .join(Workshop, col(Workshop.id) == Contribution.workshop_id)
    .outerjoin(  # the participant's previous vote on it, if any
        Vote,
        (col(Vote.contribution_id) == Contribution.id)
        & (col(Vote.participant_id) == bindparam("participant_id")),
    )
    .where(
        col(Contribution.id) == bindparam("contribution_id"),
        col(Contribution.status) != ContributionStatus.HIDDEN,
        col(Contribution.withdrawn_at).is_(None),
    )
    .with_for_update(of=Contribution)
)
_PREVIOUS = select(Vote.id.label("vote_id"), Vote.choice.label("previous_choice")).where(  # type: ignore[attr-defined]  # SQLModel types a column as its Python value; on the class it is a SQLAlchemy column
    col(Vote.participant_id) == bindparam("participant_id"),
    col(Vote.contribution_id) == bindparam("contribution_id"),
)
_INSERT = insert(Vote)
_CHANGE = (
    update(Vote)
    .where(col(Vote.id) == bindparam("vote_id"))
    .values(choice=bindparam("choice"), updated_at=bindparam("now"))
)
_MOVE_COUNTS = (
    update(Contribution)
    .where(col(Contribution.id) == bindparam("contribution_id"))
    .values(
        agree_count=Contribution.agree_count + bindparam("d_agree"),
        disagree_count=Contribution.disagree_count + bindparam("d_disagree"),
        pass_count=Contribution.pass_count + bindparam("d_pass"),
        support=bindparam("support"),
    )
)


def cast_vote(session: Session, *, participant_id: int, contribution_id: int, choice: VoteChoice) -> Tally:
    """Record or change a vote in the session's transaction and return the item's new tally
    (`record_vote` on the session's connection; rows of the item and the vote the session already
    holds are expired, so a caller reading them next sees the new values)."""
    tally, wrote, changed_vote = _record(
        OnConnection(session.connection()),
        participant_id=participant_id,
        contribution_id=contribution_id,
        choice=choice,
    )
    if changed_vote is not None:
        _forget(session, Vote, changed_vote)
    if wrote:
        _forget(session, Contribution, contribution_id)
    return tally


def record_vote(
    statements: Statements, *, participant_id: int, contribution_id: int, choice: VoteChoice
) -> Tally:
    """Record or change a vote and return the item's new tally, inside the caller's transaction.

    The hot path of a busy workshop: the vote endpoint runs it with `Database.run_lean` (one
    transaction on a DBAPI connection, no Session). Three prepared statements: lock the item (FOR UPDATE
    on PostgreSQL; SQLite writers are already one at a time) reading its counts, its workshop's
    timetable and the participant's previous vote; write the vote; move the counts. (PostgreSQL reads
    the previous vote once more, below.) The same choice sent again changes nothing, so a vote retried
    after a timeout is counted once.
    """
    tally, _, _ = _record(
        statements, participant_id=participant_id, contribution_id=contribution_id, choice=choice
    )
    return tally


def _record(
    statements: Statements, *, participant_id: int, contribution_id: int, choice: VoteChoice
) -> tuple[Tally, bool, int | None]:
    """The tally, whether anything was written, and the id of the vote row changed (None if new)."""
    keys = {"participant_id": participant_id, "contribution_id": contribution_id}
    target = statements.first(_LOCK_TARGET, keys)
    if target is None:
        raise NotFound("That idea or comment is not available for voting.")
    require_open(target)  # the row carries the workshop's status, opens_at and closes_at
    agree, disagree, passed = target.agree_count, target.disagree_count, target.pass_count
    counts = {VoteChoice.AGREE: agree, VoteChoice.DISAGREE: disagree, VoteChoice.PASS: passed}
    previous = target
    if statements.dialect.name != "sqlite":
        # Once FOR UPDATE has waited for another vote on the item, PostgreSQL re-reads the locked
        # row but not the rows joined to it: read the person's vote again now that the item is ours.
        previous = statements.first(_PREVIOUS, keys)
    old = VoteChoice(previous.previous_choice) if previous is not None and previous.vote_id else None
    if old == choice:
        return Tally(contribution_id, agree, disagree, passed, choice), False, None
    now = utcnow()
    if old is None:
        vote_id = None
        statements.execute(
            _INSERT, {**keys, "choice": choice, "important": False, "created_at": now, "updated_at": now}
        )
    else:
        vote_id = previous.vote_id
        statements.execute(_CHANGE, {"vote_id": vote_id, "choice": choice, "now": now})
        counts[old] -= 1
    counts[choice] += 1
    delta = {c: (1 if c == choice else -1 if c == old else 0) for c in VoteChoice}
    support = wilson_lower_bound(counts[VoteChoice.AGREE], counts[VoteChoice.DISAGREE])
    statements.execute(
        _MOVE_COUNTS,
        {
            "contribution_id": contribution_id,
            "d_agree": delta[VoteChoice.AGREE],
            "d_disagree": delta[VoteChoice.DISAGREE],
            "d_pass": delta[VoteChoice.PASS],
            "support": support,
        },
    )
    tally = Tally(
        contribution_id,
        counts[VoteChoice.AGREE],
        counts[VoteChoice.DISAGREE],
        counts[VoteChoice.PASS],
        choice,
    )
    return tally, True, vote_id


def _forget(session: Session, model: type, ident: int) -> None:
    """Expire a row this session already holds, so a caller reading it next sees the new values."""
    held = session.identity_map.get(identity_key(model, ident))
    if held is not None:
        session.expire(held)


_MINE = select(Vote.contribution_id, Vote.choice).where(
    col(Vote.participant_id) == bindparam("participant_id"),
    col(Vote.contribution_id).in_(bindparam("ids", expanding=True)),
)


def my_votes(session: Session, *, participant_id: int, contribution_ids: list[int]) -> dict[int, VoteChoice]:
    """The participant's votes on these contributions (one prepared statement)."""
    if not contribution_ids:
        return {}
    rows = session.connection().execute(_MINE, {"participant_id": participant_id, "ids": contribution_ids})
    return {cid: VoteChoice(choice) for cid, choice in rows}


_COUNTS = select(
    Contribution.id, Contribution.agree_count, Contribution.disagree_count, Contribution.pass_count
).where(col(Contribution.id).in_(bindparam("ids", expanding=True)))


def current_counts(session: Session, contribution_ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """Agree, disagree and pass counts as they are now, by contribution id (one small query)."""
    if not contribution_ids:
        return {}
    rows = session.connection().execute(_COUNTS, {"ids": contribution_ids})
    return {cid: (agree, disagree, passed) for cid, agree, disagree, passed in rows}


def tally_of(contribution: Contribution, mine: VoteChoice | None) -> Tally:
    return Tally(
        contribution.id, contribution.agree_count, contribution.disagree_count, contribution.pass_count, mine
    )
