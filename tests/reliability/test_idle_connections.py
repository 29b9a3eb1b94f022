"""PostgreSQL connections are pinged only after sitting idle (crowd.db.PING_IDLE_SECONDS), not before
every request: a pooled connection the database dropped while idle is replaced without anyone seeing an
error; one dropped in the middle of steady use fails one request with the 503 page, and the next
request, page or vote, works again."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

import crowd.db
from tests.conftest import POSTGRES_URL
from tests.web.conftest import idea_id_of, post_idea, vote

pytestmark = [
    pytest.mark.skipif(not POSTGRES_URL, reason="needs the test PostgreSQL server (CROWD_TEST_POSTGRES_URL)"),
    pytest.mark.parametrize("database_url", ["postgres"], indirect=True),
]


def _drop_the_apps_connections(database_url: str) -> int:
    """What a database restart or a proxy's idle timeout does to the pool: every connection closed."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = database_url.rsplit("/", 1)[1]
    with admin.connect() as connection:
        ended = connection.execute(
            text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = :name"),
            {"name": name},
        ).scalar()
    admin.dispose()
    return ended


def test_connections_dropped_while_idle_are_replaced_without_an_error(
    person, open_workshop, database_url, monkeypatch
):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    idea = idea_id_of(post_idea(ann, workshop, sections[0], "A named contact for every carer."))
    assert vote(ann, idea, "agree").status_code == 200
    assert _drop_the_apps_connections(database_url) > 0
    monkeypatch.setattr(crowd.db, "PING_IDLE_SECONDS", 0.0)  # as if they sat idle for a while
    assert ann.client.get(f"/w/{workshop.slug}").status_code == 200
    assert vote(ann, idea, "disagree").status_code == 200  # the vote's own connection too
    assert 'data-count="disagree">1<' in ann.client.get(f"/w/{workshop.slug}/ideas/{idea}").text


def test_a_connection_dropped_in_steady_use_fails_one_request_and_the_next_works(
    person, open_workshop, database_url, monkeypatch
):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    idea = idea_id_of(post_idea(ann, workshop, sections[0], "Interpreters booked with the appointment."))
    monkeypatch.setattr(crowd.db, "PING_IDLE_SECONDS", 3600.0)  # in steady use: never pinged
    assert vote(ann, idea, "agree").status_code == 200
    token = ann.csrf()
    _drop_the_apps_connections(database_url)

    def vote_now():  # the token taken before: no page load in between to meet the dropped connection first
        return ann.client.post(
            f"/c/{idea}/vote", data={"choice": "pass"}, headers={"HX-Request": "true", "X-CSRF-Token": token}
        )

    answers = [vote_now() for _ in range(3)]
    assert answers[0].status_code == 503 and "Try again" in answers[0].text
    assert [a.status_code for a in answers[1:]] == [200, 200]  # the broken connection was thrown away
    page = ann.client.get(f"/w/{workshop.slug}/ideas/{idea}")
    if page.status_code == 503:  # the page's own pooled connection was dropped too: one failure
        page = ann.client.get(f"/w/{workshop.slug}/ideas/{idea}")
    assert page.status_code == 200 and 'data-count="pass">1<' in page.text
