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
    import threading

    workshop, sections = make_workshop(db)
    with db.write() as session:
        people = [Participant(email=f"c{i}@example.org", display_name=f"C{i}") for i in range(4)]
        session.add_all(people)
        session.flush()
        items = [
            post_idea(
                session, workshop=workshop, section_id=sections[0].id, author=people[0], text=text
            ).contribution.id
            for text in ("Tell my story once", "One named contact")
        ]
        ids = [p.id for p in people]
    answered: dict[tuple[int, int], set[VoteChoice]] = {}
    failures: list[BaseException] = []

    def tab(pid: int, seed: int) -> None:
        rng = random.Random(seed)
        try:
            for _ in range(30):
                item, choice = rng.choice(items), rng.choice(list(VoteChoice))
                with db.write() as session:
                    tally = votes.cast_vote(session, participant_id=pid, contribution_id=item, choice=choice)
                assert tally.mine == choice
                answered.setdefault((pid, item), set()).add(choice)
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=tab, args=(pid, pid * 10 + n)) for pid in ids for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
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
