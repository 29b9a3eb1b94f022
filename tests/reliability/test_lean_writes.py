"""`Database.run_lean` (the vote's write, on a DBAPI connection without a Session): whole or not at all.

A write that fails half way leaves nothing; a database error comes out as SQLAlchemy's (so the error
pages treat it as any other); while another process writes, the write waits in a thread and lands;
past OVERLOAD_QUEUE_SECONDS of waiting for the write lock it is refused whole (a 503 page).
"""

import asyncio
import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from crowd.db import Database
from crowd.models import Contribution, Vote, VoteChoice
from crowd.models._base import utcnow
from crowd.overload import Busy
from crowd.services.workshop import votes
from tests.factories import make_participant, make_workshop, post_idea
from tests.reliability.stand_ins import write_lock_held_elsewhere


def _run(coroutine):
    """asyncio.run in a thread of its own (the browser tests' Playwright may hold this thread's loop)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


@pytest.fixture
def idea(db):
    workshop, sections = make_workshop(db)
    author = make_participant(db, "author@example.org")
    voter = make_participant(db, "voter@example.org")
    return post_idea(db, workshop, sections[0], author, "A named contact for every family"), voter.id


def _stored(db, idea_id):
    with db.read() as session:
        item = session.get(Contribution, idea_id)
        rows = session.exec(select(Vote.choice)).all()
    return (item.agree_count, item.disagree_count, item.pass_count), rows


def test_a_lean_write_that_fails_half_way_changes_nothing(db, idea):
    idea_id, voter = idea

    def vote_then_fail(statements, **cast):
        votes.record_vote(statements, **cast)  # the vote row and the counts are written...
        raise ValueError("refused half way")  # ...and then the request fails

    with pytest.raises(ValueError):
        _run(
            db.run_lean(
                vote_then_fail, participant_id=voter, contribution_id=idea_id, choice=VoteChoice.AGREE
            )
        )
    assert _stored(db, idea_id) == ((0, 0, 0), [])
    _run(
        db.run_lean(votes.record_vote, participant_id=voter, contribution_id=idea_id, choice=VoteChoice.AGREE)
    )
    assert _stored(db, idea_id) == ((1, 0, 0), [VoteChoice.AGREE])


def test_a_database_error_in_a_lean_write_is_sqlalchemys_and_rolls_back_the_counts(db, idea):
    idea_id, voter = idea
    now = utcnow()
    counts_up = (
        update(Contribution)
        .where(Contribution.id == idea_id)
        .values(agree_count=Contribution.agree_count + 1)
    )
    row = {"participant_id": 987654, "contribution_id": idea_id, "choice": VoteChoice.AGREE}  # nobody

    def count_then_insert(statements):
        statements.execute(counts_up, {})
        statements.execute(insert(Vote), {**row, "important": False, "created_at": now, "updated_at": now})

    with pytest.raises(IntegrityError):  # the foreign key to participant
        _run(db.run_lean(count_then_insert))
    assert _stored(db, idea_id) == ((0, 0, 0), [])


def test_an_insert_missing_a_column_with_a_python_default_is_refused_before_it_runs(db, idea):
    idea_id, voter = idea

    def insert_without_important(statements):
        now = utcnow()
        values = {"participant_id": voter, "contribution_id": idea_id, "choice": VoteChoice.PASS}
        statements.execute(insert(Vote), {**values, "created_at": now, "updated_at": now})

    with pytest.raises(ValueError, match="important"):
        _run(db.run_lean(insert_without_important))
    assert _stored(db, idea_id) == ((0, 0, 0), [])


def test_a_lean_write_waits_in_a_thread_while_another_process_writes_and_then_lands(db, idea, settings):
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("SQLite's single writer")
    idea_id, voter = idea
    other = sqlite3.connect(
        settings.database_url.removeprefix("sqlite:///"), isolation_level=None, check_same_thread=False
    )
    other.execute("BEGIN IMMEDIATE")  # another process is writing
    served: list[int] = []

    async def main():
        write = asyncio.create_task(
            db.run_lean(
                votes.record_vote, participant_id=voter, contribution_id=idea_id, choice=VoteChoice.PASS
            )
        )
        while not write.done():  # the loop keeps serving others while the vote waits
            served.append(1)
            if len(served) == 5:
                other.execute("COMMIT")
            await asyncio.sleep(0.01)
        return await write

    try:
        tally = _run(main())
    finally:
        other.close()
    assert len(served) >= 5 and tally.passed == 1
    assert _stored(db, idea_id) == ((0, 0, 1), [VoteChoice.PASS])


def test_a_lean_write_that_cannot_get_the_write_lock_in_time_is_refused_whole(db, idea, settings):
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("the in-process write queue is SQLite's")
    idea_id, voter = idea
    waiting = Database(settings.database_url, write_wait=0.2)
    try:
        with write_lock_held_elsewhere(settings.database_url), pytest.raises(Busy):
            _run(
                waiting.run_lean(
                    votes.record_vote, participant_id=voter, contribution_id=idea_id, choice=VoteChoice.AGREE
                )
            )
    finally:
        waiting.dispose()
    assert _stored(db, idea_id) == ((0, 0, 0), [])


def test_a_read_outside_a_transaction_leaves_the_next_write_on_its_connection_whole(db, idea):
    """`first_row` reads in autocommit on PostgreSQL; the pooled connection it used must come back
    transactional, or a write on it that fails half way would keep its first half."""
    idea_id, voter = idea
    counts = select(Contribution.agree_count).where(Contribution.id == idea_id)
    for _ in range(3):  # whichever pooled connection the write gets has served such reads
        assert db.first_row(counts, {}) == (0,)

    def vote_then_fail(statements, **cast):
        votes.record_vote(statements, **cast)
        raise ValueError("refused half way")

    with pytest.raises(ValueError):
        _run(
            db.run_lean(
                vote_then_fail, participant_id=voter, contribution_id=idea_id, choice=VoteChoice.AGREE
            )
        )
    with pytest.raises(ValueError), db.write() as session:
        votes.cast_vote(session, participant_id=voter, contribution_id=idea_id, choice=VoteChoice.AGREE)
        raise ValueError("refused half way")
    assert _stored(db, idea_id) == ((0, 0, 0), [])


def test_votes_on_the_event_loop_leave_the_wal_checkpoint_to_a_thread(db, settings, monkeypatch):
    """A checkpoint (copying the WAL into the database file and syncing it) blocked the event loop, and
    every request on it, for up to a third of a second; the loop's commits skip it and every
    CHECKPOINT_EVERY commits a thread does it."""
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("SQLite's write-ahead log")
    import crowd.db

    monkeypatch.setattr(crowd.db, "CHECKPOINT_EVERY", 4)
    workshop, sections = make_workshop(db)
    author = make_participant(db, "author@example.org")
    idea_id = post_idea(db, workshop, sections[0], author, "Evening appointments for people who work days.")
    voters = [make_participant(db, f"voter{n}@example.org").id for n in range(4)]
    path = settings.database_url.removeprefix("sqlite:///")
    setup = sqlite3.connect(path)
    setup.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the tables and people into the file, to start
    setup.close()

    def in_the_database_file() -> int:  # what a checkpoint has copied out of the WAL so far
        file = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
        try:
            return file.execute("SELECT count(*) FROM vote").fetchone()[0]
        finally:
            file.close()

    async def votes_then_wait(people):
        for person in people:
            await db.run_lean(
                votes.record_vote, participant_id=person, contribution_id=idea_id, choice=VoteChoice.AGREE
            )
        if db.checkpointing is not None:
            await db.checkpointing

    _run(votes_then_wait(voters[:3]))
    assert in_the_database_file() == 0  # committed (in the WAL), not yet checkpointed by the loop
    _run(votes_then_wait(voters[3:]))
    assert in_the_database_file() == 4
    assert _stored(db, idea_id)[0] == (4, 0, 0)
