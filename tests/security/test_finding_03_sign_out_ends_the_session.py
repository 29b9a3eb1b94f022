"""Finding 3: a copied session cookie kept working after sign-out (for the cookie's 14 days)."""

from __future__ import annotations

import dataclasses
import time

from starlette.testclient import TestClient

from crowd.app import create_app
from tests.conftest import csrf_of


def _copy_of(person, app) -> TestClient:
    thief = TestClient(app)
    thief.cookies.set("crowd_session", person.client.cookies.get("crowd_session"))
    return thief


def test_finding_03_a_copied_cookie_stops_working_after_sign_out(app, person):
    ann = person("ann@example.org")
    with _copy_of(ann, app) as thief:
        assert thief.get("/me/data", follow_redirects=False).status_code == 200
        assert ann.post("/auth/sign-out", follow_redirects=False).status_code == 303
        for path in ("/me", "/me/data"):
            response = thief.get(path, follow_redirects=False)
            assert response.status_code == 303 and "/auth/sign-in" in response.headers["location"], path


def test_finding_03_signing_out_one_device_keeps_the_others(app, db, person):
    from tests.conftest import sign_in

    ann = person("ann@example.org")
    with TestClient(app) as laptop:
        sign_in(laptop, db, "ann@example.org", profile=False)
        assert laptop.get("/me", follow_redirects=False).status_code == 200
        ann.post("/auth/sign-out")
        assert laptop.get("/me", follow_redirects=False).status_code == 200


def test_finding_03_sign_out_everywhere_ends_every_session(app, db, person):
    from tests.conftest import sign_in

    ann = person("ann@example.org")
    with TestClient(app) as laptop, _copy_of(ann, app) as thief:
        sign_in(laptop, db, "ann@example.org", profile=False)
        page = ann.client.get("/me")
        assert "Sign out everywhere" in page.text
        response = ann.client.post(
            "/auth/sign-out-everywhere", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False
        )
        assert response.status_code == 303
        for client in (ann.client, laptop, thief):
            assert client.get("/me", follow_redirects=False).status_code == 303


def test_finding_03_an_idle_session_expires(settings, db, monkeypatch):
    from tests.conftest import sign_in

    short = dataclasses.replace(settings, session_idle_minutes=30)
    app = create_app(short, migrate=False)
    with TestClient(app) as client:
        sign_in(client, db, "ann@example.org")
        assert client.get("/me", follow_redirects=False).status_code == 200
        later = time.time() + 31 * 60
        monkeypatch.setattr(time, "time", lambda: later)
        assert client.get("/me", follow_redirects=False).status_code == 303
    app.state.db.dispose()
