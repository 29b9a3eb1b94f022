"""Finding 15: signing in was a GET, so a mail scanner that opens links used them up, and a page on
another site could sign a visitor in as someone else (login CSRF). Now the link opens a confirm page
that names the account; only its button (a POST with the page's CSRF token) signs in."""

from __future__ import annotations

from sqlmodel import select
from starlette.testclient import TestClient

from crowd.models import LoginToken, Participant
from tests.conftest import csrf_of, follow_sign_in_link, latest_link


def _ask(client, email: str) -> None:
    token = csrf_of(client.get("/auth/sign-in").text)
    client.post("/auth/sign-in", data={"email": email, "csrf_token": token})


def test_finding_15_opening_a_link_signs_nobody_in_and_uses_nothing_up(client, db):
    _ask(client, "ann@example.org")
    link = latest_link(db, "ann@example.org")
    scanner = TestClient(client.app)
    for _ in range(3):  # a mail scanner, a preview pane, the person themselves
        page = scanner.get(link)
        assert (
            page.status_code == 200 and "You are signing in as <strong>ann@example.org</strong>" in page.text
        )
    assert scanner.get("/me", follow_redirects=False).headers["location"].startswith("/auth/sign-in")
    with db.read() as session:
        assert session.exec(select(LoginToken)).one().used_at is None
        assert session.exec(select(Participant)).all() == []
    assert follow_sign_in_link(client, link).status_code == 303  # the person's own press still works
    assert client.get("/me").status_code in (200, 303)


def test_finding_15_the_sign_in_post_needs_the_confirm_pages_csrf_token(client, db):
    _ask(client, "ann@example.org")
    link = latest_link(db, "ann@example.org")
    token = link.split("token=", 1)[1]
    attacker = TestClient(client.app)  # a form on another site posting the victim's... or its own token
    refused = attacker.post("/auth/verify", data={"token": token}, follow_redirects=False)
    assert refused.status_code in (400, 403)
    with db.read() as session:
        assert session.exec(select(LoginToken)).one().used_at is None


def test_finding_15_a_used_link_is_refused_on_its_confirm_page(client, db):
    _ask(client, "ann@example.org")
    link = latest_link(db, "ann@example.org")
    assert follow_sign_in_link(client, link).status_code == 303
    again = TestClient(client.app).get(link)
    assert again.status_code == 400 and "already been used" in again.text
