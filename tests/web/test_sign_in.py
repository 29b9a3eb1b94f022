"""Sign-up and sign-in by emailed magic link: single use, expiring, signed, no open redirect."""

from datetime import timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlmodel import select
from starlette.testclient import TestClient

from crowd.models import LoginToken, OutboxMessage, Participant
from crowd.models._base import utcnow
from crowd.services.people.auth import SALT, safe_next
from tests.conftest import csrf_of, follow_sign_in_link, latest_link, sign_in


def ask_for_link(client: TestClient, email: str, next_url: str = "/"):
    token = csrf_of(client.get("/auth/sign-in").text)
    return client.post("/auth/sign-in", data={"email": email, "csrf_token": token, "next": next_url})


def test_new_participant_signs_up_by_link_and_is_asked_for_a_profile(client, db):
    page = ask_for_link(client, "New.Person@Example.org")
    assert page.status_code == 200
    assert "new.person@example.org" in page.text
    assert "/auth/verify" not in page.text  # the link only goes by mail
    response = follow_sign_in_link(client, latest_link(db, "new.person@example.org"))
    assert response.status_code == 303
    assert response.headers["location"].startswith("/profile")
    with db.read() as session:
        assert session.exec(select(Participant).where(Participant.email == "new.person@example.org")).one()


def test_a_badly_formed_email_is_refused_with_a_message_and_nothing_is_sent(client, db):
    response = ask_for_link(client, "not an email")
    assert response.status_code == 400
    assert "Enter an email address in the correct format" in response.text
    with db.read() as session:
        assert session.exec(select(OutboxMessage)).all() == []
        assert session.exec(select(LoginToken)).all() == []


def test_a_link_works_once_and_a_replay_is_refused(client, db):
    ask_for_link(client, "ann@example.org")
    link = latest_link(db, "ann@example.org")
    assert follow_sign_in_link(client, link).status_code == 303
    other = TestClient(client.app)
    replay = other.get(link, follow_redirects=False)
    assert replay.status_code == 400
    assert "already been used" in replay.text
    assert other.get("/me", follow_redirects=False).headers["location"].startswith("/auth/sign-in")


def test_an_expired_link_is_refused_with_a_clear_message(client, db):
    ask_for_link(client, "ann@example.org")
    with db.write() as session:
        token = session.exec(select(LoginToken)).one()
        token.expires_at = utcnow() - timedelta(minutes=1)
        session.add(token)
    response = client.get(latest_link(db, "ann@example.org"), follow_redirects=False)
    assert response.status_code == 400
    assert "expired" in response.text
    assert client.get("/me", follow_redirects=False).status_code == 303


def test_the_mail_says_how_long_the_link_lasts(client, db, settings):
    ask_for_link(client, "ann@example.org")
    with db.read() as session:
        body = session.exec(select(OutboxMessage)).one().body
    assert f"expires in {settings.magic_link_minutes} minutes" in body


@pytest.mark.parametrize("kind", ["forged", "garbled", "unknown nonce", "empty"])
def test_forged_or_garbled_links_are_refused(client, db, settings, kind):
    token = {
        "forged": URLSafeTimedSerializer("someone-elses-secret", salt=SALT).dumps("guess"),
        "garbled": "eyJhbGciOi.not-a-token",
        "unknown nonce": URLSafeTimedSerializer(settings.secret_key, salt=SALT).dumps("never-issued"),
        "empty": "",
    }[kind]
    response = client.get(f"/auth/verify?token={token}", follow_redirects=False)
    assert response.status_code == 400
    assert "not valid" in response.text
    with db.read() as session:
        assert session.exec(select(Participant)).all() == []


@pytest.mark.parametrize(
    "target", ["//evil.example", "https://evil.example", "/\\evil.example", "http:/evil.example"]
)
def test_sign_in_never_sends_people_to_another_site(client, db, target):
    sign_in(client, db, "ann@example.org")
    client.post("/auth/sign-out", data={"csrf_token": csrf_of(client.get("/").text)})
    assert 'value="/"' in client.get(f"/auth/sign-in?next={target}").text
    ask_for_link(client, "ann@example.org", next_url=target)
    response = follow_sign_in_link(client, latest_link(db, "ann@example.org"))
    assert response.headers["location"] == "/"
    assert safe_next(target) == "/"


def test_sign_in_returns_to_the_page_the_person_came_from(client, db, open_workshop):
    workshop, _ = open_workshop
    sign_in(client, db, "ann@example.org")
    client.post("/auth/sign-out", data={"csrf_token": csrf_of(client.get("/").text)})
    ask_for_link(client, "ann@example.org", next_url=f"/w/{workshop.slug}")
    response = follow_sign_in_link(client, latest_link(db, "ann@example.org"))
    assert response.headers["location"] == f"/w/{workshop.slug}"


def test_signing_in_rotates_the_session_so_old_tokens_stop_working(client, db, open_workshop):
    workshop, sections = open_workshop
    anonymous_token = csrf_of(client.get("/auth/sign-in").text)
    old_cookie = client.cookies.get("crowd_session")
    client.post("/auth/sign-in", data={"email": "ann@example.org", "csrf_token": anonymous_token})
    follow_sign_in_link(client, latest_link(db, "ann@example.org"))
    signed_in_token = csrf_of(client.get("/profile").text)
    assert signed_in_token != anonymous_token
    assert client.cookies.get("crowd_session") != old_cookie
    refused = client.post("/auth/sign-out", data={"csrf_token": anonymous_token})
    assert refused.status_code == 403
    assert client.get("/profile").status_code == 200  # still signed in
    stale = TestClient(client.app, cookies={"crowd_session": old_cookie})
    assert stale.get("/me", follow_redirects=False).headers["location"].startswith("/auth/sign-in")


def test_signing_out_ends_the_session(person):
    ann = person("ann@example.org")
    assert ann.client.get("/me").status_code == 200
    assert ann.post("/auth/sign-out", follow_redirects=False).status_code == 303
    assert ann.client.get("/me", follow_redirects=False).headers["location"].startswith("/auth/sign-in")


def test_admin_emails_become_admins_on_first_sign_in(client, db):
    ask_for_link(client, "admin@example.org")
    follow_sign_in_link(client, latest_link(db, "admin@example.org"))
    with db.read() as session:
        admin = session.exec(select(Participant).where(Participant.email == "admin@example.org")).one()
    assert admin.access.value == "admin"


def test_session_cookie_is_secure_httponly_and_samesite_lax_when_configured(settings, db):
    import dataclasses

    from crowd.app import create_app

    app = create_app(dataclasses.replace(settings, secure_cookies=True), migrate=False)
    with TestClient(app, base_url="https://testserver") as secure:
        cookie = secure.get("/auth/sign-in").headers["set-cookie"].lower()
    assert "crowd_session=" in cookie
    assert "secure" in cookie
    assert "httponly" in cookie
    assert "samesite=lax" in cookie


def test_session_cookie_is_httponly_even_in_development(client):
    cookie = client.get("/auth/sign-in").headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_a_new_participant_returns_to_a_filtered_page_after_the_profile(client, db, open_workshop):
    workshop, _ = open_workshop
    target = f"/w/{workshop.slug}?sort=supported&q=care"
    ask_for_link(client, "new@example.org", next_url=target)
    response = follow_sign_in_link(client, latest_link(db, "new@example.org"))
    form = client.get(response.headers["location"]).text
    assert f'name="next" value="{target.replace("&", "&amp;")}"' in form
