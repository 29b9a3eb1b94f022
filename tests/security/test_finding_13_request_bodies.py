"""Finding 13: request bodies up to the 60 MB limit were buffered before anyone was authenticated, with a
quadratic append (3.9 s of CPU for a 59 MB anonymous POST to a missing path)."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

from starlette.responses import PlainTextResponse
from starlette.testclient import TestClient

from crowd.security import CSRFMiddleware
from tests.conftest import csrf_of


def test_finding_13_a_large_anonymous_body_is_refused_before_it_is_read(app):
    with TestClient(app) as visitor:
        token = csrf_of(visitor.get("/auth/sign-in").text)
        big = b"x" * (2 * 1024 * 1024)
        start = time.process_time()
        response = visitor.post(
            "/no/such/path", content=b"csrf_token=" + token.encode() + b"&a=" + big,
            headers={"content-type": "application/x-www-form-urlencoded"},
        )  # fmt: skip
        assert response.status_code == 413 and "without signing in" in response.text
        assert time.process_time() - start < 0.5


def test_finding_13_a_post_without_a_session_is_refused_unread():
    reads, sent = [], []

    async def receive():
        reads.append(1)
        return {"type": "http.request", "body": b"x" * 1024, "more_body": False}

    async def send(message):
        sent.append(message)

    async def never(scope, receive, send):  # the app behind: must not be reached
        raise AssertionError("reached the app")

    middleware = CSRFMiddleware(never, refuse=lambda request: PlainTextResponse("refused", status_code=403))
    scope = {"type": "http", "method": "POST", "path": "/auth/sign-in", "headers": [], "session": {}}
    # in a thread of its own: the browser tests' Playwright may keep a loop running in this pytest worker
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, middleware(scope, receive, send)).result()
    assert sent[0]["status"] == 403
    assert reads == []  # not a byte was read


def test_finding_13_signed_in_people_can_still_send_large_forms(person, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    response = ann.post(f"/w/{workshop.slug}/ideas", {"section_id": sections[0].id, "text": "x" * 300_000})
    assert response.status_code != 413  # the idea's own length rule answers, not the body limit
