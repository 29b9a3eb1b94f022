"""Several workers share one rate limit through Redis (RATE_LIMIT_STORAGE=redis://...).

Two app instances stand for two uvicorn workers: a participant whose requests are spread over both
still gets the one limit, not one limit per worker. Needs a real Redis: CROWD_TEST_REDIS_URL (CI and
scripts/test.sh set it)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from crowd.app import create_app
from crowd.services.people import participants
from tests.conftest import sign_in
from tests.web.conftest import count_contributions, post_idea

REDIS_URL = os.environ.get("CROWD_TEST_REDIS_URL", "")
pytestmark = pytest.mark.skipif(
    not REDIS_URL, reason="CROWD_TEST_REDIS_URL is not set: no Redis to share rate limits through"
)


@pytest.fixture
def two_workers(settings, db) -> Iterator[tuple[TestClient, TestClient]]:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # counters from earlier tests (ids restart in each database)
    shared = dataclasses.replace(
        settings,
        rate_limits_enabled=True,
        rate_limit_storage=REDIS_URL,
        rate_limit_writes="3/minute",
        rate_limit_signin="50/minute",
    )
    first, second = create_app(shared, migrate=False), create_app(shared, migrate=False)
    with TestClient(first) as a, TestClient(second) as b:
        yield a, b
    for app in (first, second):
        app.state.db.dispose()


def test_a_participant_gets_one_write_limit_across_two_workers(two_workers, db, open_workshop):
    on_first, on_second = two_workers
    workshop, sections = open_workshop
    ann = sign_in(on_first, db, "ann@example.org", profile=False)
    with db.write() as session:
        form = participants.ProfileForm(
            display_name="Ann", role="staff", borough="Hackney", consent_privacy=True
        )
        participants.save_profile(session, participant_id=ann.id, form=form)
    on_second.cookies = on_first.cookies  # the same signed session, answered by the other worker
    ann_on_second = dataclasses.replace(ann, client=on_second)

    assert post_idea(ann, workshop, sections[0], "First idea, via worker one").status_code == 200
    assert post_idea(ann_on_second, workshop, sections[0], "Second idea, via worker two").status_code == 200
    assert post_idea(ann, workshop, sections[0], "Third idea, via worker one").status_code == 200
    refused = post_idea(ann_on_second, workshop, sections[0], "Fourth idea, via worker two")

    assert refused.status_code == 429
    assert "Too many requests" in refused.text
    assert count_contributions(db) == 3


def test_sign_in_requests_from_one_address_share_a_limit_across_workers(two_workers, db):
    on_first, on_second = two_workers
    for app_client in (on_first, on_second):
        app_client.app.state.settings = dataclasses.replace(
            app_client.app.state.settings, rate_limit_signin="2/minute"
        )
    from tests.conftest import csrf_of

    answers = []
    for n, app_client in enumerate((on_first, on_second, on_first)):
        token = csrf_of(app_client.get("/auth/sign-in").text)
        answers.append(
            app_client.post(
                "/auth/sign-in", data={"email": f"p{n}@example.org", "csrf_token": token}
            ).status_code
        )
    assert answers == [200, 200, 429]
