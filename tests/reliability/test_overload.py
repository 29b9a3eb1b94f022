"""Under more load than it can take, crowd says it is busy at once (a 503 page), never half-saves a vote,
and a vote sent again after a timeout is counted once."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

import crowd.overload
from crowd.models import Contribution, ContributionKind, Vote
from crowd.overload import Busy, LoadShedMiddleware
from tests.reliability.stand_ins import write_lock_held_elsewhere
from tests.web.conftest import post_idea, vote


def _idea(db, person, open_workshop) -> int:
    workshop, sections = open_workshop
    author = person("author@example.org")
    post_idea(author, workshop, sections[0], "Evening appointments for people who work days.")
    with db.read() as session:
        return session.exec(select(Contribution.id).where(Contribution.kind == ContributionKind.IDEA)).one()


def _tally(db, idea_id: int) -> tuple[tuple[int, int, int], list[str]]:
    with db.read() as session:
        idea = session.get(Contribution, idea_id)
        rows = session.exec(select(Vote.choice).where(Vote.contribution_id == idea_id)).all()
    return (idea.agree_count, idea.disagree_count, idea.pass_count), [getattr(r, "value", r) for r in rows]


def test_a_vote_sent_again_after_a_timeout_is_counted_once(db, person, open_workshop):
    idea_id = _idea(db, person, open_workshop)
    voter = person("voter@example.org")
    # the browser gave up waiting and the person pressed again: the same vote arrives twice
    for _ in range(2):
        assert vote(voter, idea_id, "agree").status_code == 200
    assert _tally(db, idea_id) == ((1, 0, 0), ["agree"])
    # changing one's mind and the retry of that change: still one vote, now disagree
    for _ in range(2):
        assert vote(voter, idea_id, "disagree").status_code == 200
    assert _tally(db, idea_id) == ((0, 1, 0), ["disagree"])


def test_past_the_limit_of_requests_in_progress_the_next_gets_a_busy_page():
    release = asyncio.Event()

    async def slow(request):
        await release.wait()
        return PlainTextResponse("done")

    app = LoadShedMiddleware(Starlette(routes=[Route("/", slow)]), max_requests=2)

    async def scenario():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            first = [asyncio.create_task(client.get("/")) for _ in range(2)]
            while app.in_flight < 2:
                await asyncio.sleep(0)
            refused = await client.get("/")
            release.set()
            return refused, await asyncio.gather(*first)

    # in a thread of its own: the browser tests' Playwright may keep a loop running in this pytest worker
    with ThreadPoolExecutor(1) as thread:
        refused, served = thread.submit(asyncio.run, scenario()).result()
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "5"
    assert "The service is busy" in refused.text and "nothing you sent was saved" in refused.text
    assert [r.text for r in served] == ["done", "done"]
    assert app.in_flight == 0  # the refused request left nothing counted


def test_a_vote_that_waited_too_long_to_start_is_refused_and_not_saved(
    db, person, open_workshop, monkeypatch
):
    idea_id = _idea(db, person, open_workshop)
    voter = person("voter@example.org")
    token = voter.csrf()
    clock = iter(range(0, 10**6, 30))  # every reading of the clock is 30 s after the one before
    monkeypatch.setattr(crowd.overload, "clock", lambda: float(next(clock)))
    response = voter.client.post(
        f"/c/{idea_id}/vote", data={"choice": "agree", "csrf_token": token}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 503
    assert "nothing you sent was saved" in response.text
    assert response.headers["retry-after"] == "5"
    assert _tally(db, idea_id) == ((0, 0, 0), [])


def test_a_write_that_cannot_get_the_write_lock_in_time_is_refused_whole(db, settings):
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("the in-process write queue is SQLite's")
    from crowd.db import Database

    waiting = Database(settings.database_url, write_wait=0.2)
    try:
        with (
            write_lock_held_elsewhere(settings.database_url),
            pytest.raises(Busy),
            waiting.write() as session,
        ):
            session.add(Vote(participant_id=1, contribution_id=1, choice="agree"))
    finally:
        waiting.dispose()
    with db.read() as session:
        assert session.exec(select(Vote)).all() == []
