"""Votes: one per person per item, changeable, never double counted; support is the Wilson bound."""

import pytest
from sqlmodel import select

from crowd.models import Contribution, ContributionStatus, Participant, Vote, VoteChoice
from crowd.services.errors import NotFound
from crowd.services.workshop import votes
from crowd.services.workshop.contributions import post_idea, wilson_lower_bound
from tests.conftest import make_workshop


def test_wilson_lower_bound_prefers_many_agrees_over_a_lucky_few():
    assert wilson_lower_bound(0, 0) == 0.0
    assert wilson_lower_bound(1, 0) < wilson_lower_bound(50, 5)
    assert wilson_lower_bound(50, 5) < wilson_lower_bound(500, 50)
    assert 0.0 < wilson_lower_bound(3, 1) < 0.75
    assert wilson_lower_bound(10, 0) == pytest.approx(0.7225, abs=1e-3)


@pytest.fixture
def idea(db):
    workshop, sections = make_workshop(db)
    with db.write() as session:
        people = [Participant(email=f"p{i}@example.org", display_name=f"P{i}") for i in range(3)]
        session.add_all(people)
        session.flush()
        posted = post_idea(
            session, workshop=workshop, section_id=sections[0].id, author=people[0], text="One record for all"
        )
        return posted.contribution.id, [p.id for p in people]


def test_changing_a_vote_moves_it_and_repeating_it_changes_nothing(db, idea):
    idea_id, (ann, bob, cat) = idea
    for pid, choice in ((ann, VoteChoice.AGREE), (bob, VoteChoice.AGREE), (cat, VoteChoice.DISAGREE)):
        with db.write() as session:
            votes.cast_vote(session, participant_id=pid, contribution_id=idea_id, choice=choice)
    with db.write() as session:
        tally = votes.cast_vote(session, participant_id=bob, contribution_id=idea_id, choice=VoteChoice.PASS)
    with db.write() as session:
        again = votes.cast_vote(session, participant_id=bob, contribution_id=idea_id, choice=VoteChoice.PASS)
    assert (tally.agree, tally.disagree, tally.passed) == (1, 1, 1)
    assert again == tally
    with db.read() as session:
        stored = session.get(Contribution, idea_id)
        rows = session.exec(select(Vote).where(Vote.contribution_id == idea_id)).all()
    assert len(rows) == 3
    assert stored.support == pytest.approx(wilson_lower_bound(1, 1))


def test_votes_on_hidden_or_missing_items_are_refused_and_change_nothing(db, idea):
    idea_id, (ann, *_) = idea
    with db.write() as session:
        row = session.get(Contribution, idea_id)
        row.status = ContributionStatus.HIDDEN
        session.add(row)
    for target in (idea_id, 987654):
        with pytest.raises(NotFound), db.write() as session:
            votes.cast_vote(session, participant_id=ann, contribution_id=target, choice=VoteChoice.AGREE)
    with db.read() as session:
        assert session.exec(select(Vote)).all() == []
        assert session.get(Contribution, idea_id).agree_count == 0


def test_concurrent_votes_and_changes_keep_counts_equal_to_the_vote_rows(db):
    """Four people vote and change their votes on two items, each from two tabs at once (eight threads):
    every count equals the vote rows behind it, one row per person per item."""
    import random

    ids, items = _four_people_two_items(db, "c")
    answered: dict[tuple[int, int], set[VoteChoice]] = {}

    def tab(pid: int, seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(30):
            item, choice = rng.choice(items), rng.choice(list(VoteChoice))
            with db.write() as session:
                tally = votes.cast_vote(session, participant_id=pid, contribution_id=item, choice=choice)
            assert tally.mine == choice
            answered.setdefault((pid, item), set()).add(choice)

    _two_tabs_each(ids, tab)
    _assert_counts_equal_the_rows(db, items, answered)


def _lean(db, coroutine):
    """Run an awaitable from a test, on a loop of its own in a thread (Playwright may hold this one)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def test_a_vote_through_the_endpoints_lean_write_is_stored_as_the_orm_stores_it(db, idea):
    """The vote endpoint's path (`Database.run_lean` + `record_vote`, no Session) writes the same row and
    counts as `cast_vote`: the ORM reads its enum and timestamps back, and sending it again changes
    nothing."""
    idea_id, (ann, bob, _) = idea
    with db.write() as session:
        votes.cast_vote(session, participant_id=ann, contribution_id=idea_id, choice=VoteChoice.AGREE)
    cast = dict(participant_id=bob, contribution_id=idea_id, choice=VoteChoice.DISAGREE)
    first = _lean(db, db.run_lean(votes.record_vote, **cast))
    again = _lean(db, db.run_lean(votes.record_vote, **cast))
    assert (first.agree, first.disagree, first.passed, first.mine) == (1, 1, 0, VoteChoice.DISAGREE)
    assert again == first
    changed = _lean(db, db.run_lean(votes.record_vote, **{**cast, "choice": VoteChoice.AGREE}))
    assert (changed.agree, changed.disagree, changed.passed) == (2, 0, 0)
    with db.read() as session:
        stored = session.get(Contribution, idea_id)
        rows = {
            v.participant_id: v for v in session.exec(select(Vote).where(Vote.contribution_id == idea_id))
        }
    assert (stored.agree_count, stored.disagree_count, stored.pass_count) == (2, 0, 0)
    assert stored.support == pytest.approx(wilson_lower_bound(2, 0))
    assert rows[bob].choice == VoteChoice.AGREE and rows[bob].important is False
    assert rows[bob].created_at.tzinfo is not None and rows[bob].updated_at >= rows[bob].created_at
    assert rows[ann].created_at.tzinfo is not None  # written by the ORM path: read back alike


def test_lean_votes_on_hidden_missing_or_closed_items_are_refused_and_change_nothing(db, idea):
    from crowd.models import Workshop, WorkshopStatus
    from crowd.services.errors import DomainError

    idea_id, (ann, *_) = idea
    with pytest.raises(NotFound):
        _lean(
            db,
            db.run_lean(
                votes.record_vote, participant_id=ann, contribution_id=987654, choice=VoteChoice.PASS
            ),
        )
    with db.write() as session:
        workshop = session.get(Workshop, session.get(Contribution, idea_id).workshop_id)
        workshop.status = WorkshopStatus.CLOSED
        session.add(workshop)
    with pytest.raises(DomainError):
        _lean(
            db,
            db.run_lean(
                votes.record_vote, participant_id=ann, contribution_id=idea_id, choice=VoteChoice.PASS
            ),
        )
    with db.read() as session:
        assert session.exec(select(Vote)).all() == []
        assert session.get(Contribution, idea_id).pass_count == 0


def test_concurrent_lean_votes_keep_counts_equal_to_the_vote_rows(db):
    """Four people vote and change their votes on two items from two tabs each, through the endpoint's
    lean write, each tab on an event loop of its own (so on SQLite some votes run on a loop and the
    others queue in threads; on PostgreSQL all in threads under FOR UPDATE)."""
    import asyncio
    import random

    ids, items = _four_people_two_items(db, "l")
    answered: dict[tuple[int, int], set[VoteChoice]] = {}

    async def tab(pid: int, seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(30):
            item, choice = rng.choice(items), rng.choice(list(VoteChoice))
            tally = await db.run_lean(
                votes.record_vote, participant_id=pid, contribution_id=item, choice=choice
            )
            assert tally.mine == choice
            answered.setdefault((pid, item), set()).add(choice)

    _two_tabs_each(ids, lambda pid, seed: asyncio.run(tab(pid, seed)))
    _assert_counts_equal_the_rows(db, items, answered)


def _four_people_two_items(db, prefix: str) -> tuple[list[int], list[int]]:
    workshop, sections = make_workshop(db)
    with db.write() as session:
        people = [
            Participant(email=f"{prefix}{i}@example.org", display_name=f"{prefix.upper()}{i}")
            for i in range(4)
        ]
        session.add_all(people)
        session.flush()
        items = [
            post_idea(
                session, workshop=workshop, section_id=sections[0].id, author=people[0], text=text
            ).contribution.id
            for text in ("Tell my story once", "One named contact")
        ]
        return [p.id for p in people], items


def _assert_counts_equal_the_rows(db, items: list[int], answered: dict) -> None:
    """One row per person per item, each a choice they made, and every count equal to the rows behind it."""
    with db.read() as session:
        rows = session.exec(select(Vote.participant_id, Vote.contribution_id, Vote.choice)).all()
        stored = {c.id: c for c in session.exec(select(Contribution).where(Contribution.id.in_(items)))}
    assert sorted((pid, cid) for pid, cid, _ in rows) == sorted(answered)
    assert all(VoteChoice(choice) in answered[(pid, cid)] for pid, cid, choice in rows)
    for item in items:
        behind = [VoteChoice(choice) for _, cid, choice in rows if cid == item]
        counted = (stored[item].agree_count, stored[item].disagree_count, stored[item].pass_count)
        assert counted == tuple(
            behind.count(c) for c in (VoteChoice.AGREE, VoteChoice.DISAGREE, VoteChoice.PASS)
        )


def _two_tabs_each(ids: list[int], tab) -> None:
    """Run ``tab(pid, seed)`` for each person from two threads at once; any failure fails the test."""
    import threading

    failures: list[BaseException] = []

    def run(pid: int, seed: int) -> None:
        try:
            tab(pid, seed)
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=run, args=(pid, pid * 10 + n)) for pid in ids for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
