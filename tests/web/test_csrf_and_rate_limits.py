"""Forged or missing CSRF tokens are refused; writes and sign-in requests are rate limited."""

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from crowd.models import OutboxMessage, PollAnswer, Vote
from crowd.services.people import participants
from tests.conftest import csrf_of, sign_in
from tests.web.conftest import count_contributions, idea_id_of, post_idea


@pytest.mark.parametrize("token", [None, "", "forged-token-from-another-site"])
def test_writes_without_the_right_csrf_token_are_refused_and_store_nothing(person, db, open_workshop, token):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    idea_id = idea_id_of(post_idea(ann, workshop, sections[0], "The only idea"))
    extra = {} if token is None else {"csrf_token": token}
    attempts = [
        (f"/w/{workshop.slug}/ideas", {"section_id": sections[0].id, "text": "Forged idea"}),
        (f"/w/{workshop.slug}/ideas/{idea_id}/comments", {"text": "Forged comment"}),
        (f"/c/{idea_id}/vote", {"choice": "agree"}),
        (f"/w/{workshop.slug}/poll", {"choice": "completely"}),
        (f"/c/{idea_id}/withdraw", {}),
        (
            "/profile",
            {"display_name": "Mallory", "role": "other", "borough": "Hackney", "consent_privacy": "yes"},
        ),
    ]
    for path, data in attempts:
        response = ann.client.post(path, data={**data, **extra})
        assert response.status_code == 403, path
        assert "This form could not be sent" in response.text
    htmx = ann.client.post(
        f"/c/{idea_id}/vote", data={"choice": "agree"}, headers={"HX-Request": "true", "X-CSRF-Token": "nope"}
    )
    assert htmx.status_code == 403
    assert count_contributions(db) == 1
    with db.read() as session:
        assert session.exec(select(Vote)).all() == []
        assert session.exec(select(PollAnswer)).all() == []
    assert "Mallory" not in ann.client.get("/me").text


def test_htmx_requests_carry_the_token_in_a_header(person, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    idea_id = idea_id_of(post_idea(ann, workshop, sections[0], "Header token"))
    page = ann.client.get(f"/w/{workshop.slug}").text
    token = csrf_of(page)
    assert f'hx-headers=\'{{"X-CSRF-Token": "{token}"}}\'' in page
    response = ann.client.post(
        f"/c/{idea_id}/vote", data={"choice": "agree"}, headers={"HX-Request": "true", "X-CSRF-Token": token}
    )
    assert response.status_code == 200


def test_a_token_from_another_session_is_refused(person, open_workshop):
    workshop, sections = open_workshop
    ann, bob = person("ann@example.org"), person("bob@example.org")
    stolen = bob.csrf()
    response = ann.client.post(
        f"/w/{workshop.slug}/ideas", data={"section_id": sections[0].id, "text": "Hi", "csrf_token": stolen}
    )
    assert response.status_code == 403


def test_too_many_writes_get_a_friendly_429_and_are_not_stored(limited, db, open_workshop):
    app, client = limited
    workshop, sections = open_workshop
    ann = sign_in(client, db, "ann@example.org", profile=False)
    with db.write() as session:
        form = participants.ProfileForm(
            display_name="Ann", role="staff", borough="Hackney", consent_privacy=True
        )
        participants.save_profile(session, participant_id=ann.id, form=form)
    for n in range(3):
        assert post_idea(ann, workshop, sections[0], f"Idea number {n}").status_code == 200
    response = post_idea(ann, workshop, sections[0], "One too many")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "60"
    assert "Too many requests" in response.text
    assert "Wait a minute, then try again" in response.text
    assert count_contributions(db) == 3


def test_too_many_sign_in_requests_are_limited(limited, db):
    app, client = limited
    for n in range(2):
        token = csrf_of(client.get("/auth/sign-in").text)
        assert (
            client.post("/auth/sign-in", data={"email": f"p{n}@example.org", "csrf_token": token}).status_code
            == 200
        )
    token = csrf_of(client.get("/auth/sign-in").text)
    response = client.post("/auth/sign-in", data={"email": "p9@example.org", "csrf_token": token})
    assert response.status_code == 429
    assert "Retry-After" in response.headers
    with db.read() as session:
        assert len(session.exec(select(OutboxMessage)).all()) == 2


def test_rate_limits_count_each_participant_separately(limited, db, open_workshop):
    app, client = limited
    workshop, sections = open_workshop
    other = TestClient(app)
    people = []
    for email, test_client in (("ann@example.org", client), ("bob@example.org", other)):
        who = sign_in(test_client, db, email, profile=False)
        with db.write() as session:
            form = participants.ProfileForm(
                display_name="P", role="staff", borough="Hackney", consent_privacy=True
            )
            participants.save_profile(session, participant_id=who.id, form=form)
        people.append(who)
    for n in range(3):
        for who in people:
            assert post_idea(who, workshop, sections[0], f"{who.email} idea {n}").status_code == 200
    assert count_contributions(db) == 6
