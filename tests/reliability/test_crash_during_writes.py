"""The server is killed (SIGKILL) in the middle of a burst of writes and started again on the same
database: every idea and vote whose answer came back is stored, and nothing is stored twice."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import select

from crowd.db import Database
from crowd.models import Contribution, ContributionKind, Participant, Vote, Workshop
from crowd.services.workshop import contributions
from tests.conftest import make_workshop
from tests.reliability.conftest import make_participants, new_server, signed_in_client

PEOPLE = 8
SEED_IDEAS = 12


@pytest.fixture
def server(tmp_path):
    live = new_server(tmp_path)
    yield live
    live.stop()


def test_every_acknowledged_idea_and_vote_survives_a_crash_and_none_is_stored_twice(server):
    db = Database(server.database_url)
    workshop, sections = make_workshop(db)
    ids = make_participants(db, PEOPLE + 1)
    with db.write() as session:
        author = session.get(Participant, ids[-1])
        shop = session.get(Workshop, workshop.id)
        seeds = [
            contributions.post_idea(
                session, workshop=shop, section_id=sections[0].id, author=author, text=f"Seed idea number {n}"
            ).contribution.id
            for n in range(SEED_IDEAS)
        ]
    server.start()
    people = [signed_in_client(server, db, f"p{n}@example.org") for n in range(PEOPLE)]

    acked_ideas: list[str] = []
    acked_votes: list[tuple[int, int]] = []
    lock = threading.Lock()
    crashed = threading.Event()

    def burst(n: int) -> None:
        client, token = people[n]
        for step in range(400):
            if crashed.is_set():
                return
            try:
                if step % 3 == 0:
                    text = f"Participant {n} idea {step}: more benches in the waiting room"
                    answer = client.post(
                        f"/w/{workshop.slug}/ideas",
                        data={"section_id": sections[0].id, "text": text, "csrf_token": token},
                        follow_redirects=False,
                    )
                    if answer.status_code == 303:
                        with lock:
                            acked_ideas.append(text)
                else:
                    target = seeds[(n + step) % SEED_IDEAS]
                    choice = ("agree", "disagree", "pass")[step % 3]
                    answer = client.post(
                        f"/c/{target}/vote",
                        data={"choice": choice, "csrf_token": token},
                        headers={"HX-Request": "true"},
                    )
                    if answer.status_code == 200:
                        with lock:
                            acked_votes.append((ids[n], target))
                assert answer.status_code < 500 or crashed.is_set(), answer.text
            except httpx.TransportError:  # the server died under this request: not acknowledged
                return

    with ThreadPoolExecutor(PEOPLE) as pool:
        running = [pool.submit(burst, n) for n in range(PEOPLE)]
        while len(acked_ideas) + len(acked_votes) < 60:
            time.sleep(0.02)
        server.kill()
        crashed.set()
        for future in running:
            future.result()
    for client, _ in people:
        client.close()
    assert acked_ideas and acked_votes

    server.start()  # same database file, recovered from its write-ahead log
    assert httpx.get(f"{server.url}/w/{workshop.slug}").status_code == 200
    with db.read() as session:
        ideas = Counter(
            session.exec(
                select(Contribution.text).where(
                    Contribution.kind == ContributionKind.IDEA, Contribution.workshop_id == workshop.id
                )
            ).all()
        )
        votes = Counter(session.exec(select(Vote.participant_id, Vote.contribution_id)).all())
        stored_counts = {
            c.id: c.agree_count + c.disagree_count + c.pass_count
            for c in session.exec(select(Contribution).where(Contribution.id.in_(seeds)))  # type: ignore[union-attr]
        }
        rows_per_item = dict(
            session.exec(select(Vote.contribution_id, func.count()).group_by(Vote.contribution_id)).all()
        )
    lost_ideas = [text for text in acked_ideas if ideas[text] == 0]
    lost_votes = [pair for pair in set(acked_votes) if votes[pair] == 0]
    assert lost_ideas == [] and lost_votes == []
    assert [text for text, n in ideas.items() if n > 1] == []
    assert [pair for pair, n in votes.items() if n > 1] == []
    assert stored_counts == {seed: rows_per_item.get(seed, 0) for seed in seeds}

    # and the restarted server takes new writes from a fresh sign-in
    client, token = signed_in_client(server, db, "p0@example.org")
    answer = client.post(
        f"/w/{workshop.slug}/ideas",
        data={"section_id": sections[0].id, "text": "After the crash, still listening", "csrf_token": token},
        follow_redirects=False,
    )
    client.close()
    db.dispose()
    assert answer.status_code == 303
