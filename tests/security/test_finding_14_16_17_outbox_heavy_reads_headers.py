"""Findings 14, 16, 17: admins could read and use live sign-in links in /admin/outbox (and with SMTP the
body was stored too); GETs such as /w/.../similar had no rate limit; no HSTS and no Cache-Control: no-store
on /me/data; the opinion map suppressed counts below 3 where everything else used 5."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from sqlmodel import select
from starlette.testclient import TestClient

from crowd.app import create_app
from crowd.models import Access, OutboxMessage
from crowd.services.mail import SENT_BY_SMTP, send_mail
from crowd.settings import Settings
from tests.conftest import csrf_of, sign_in


def test_finding_14_the_outbox_shows_no_usable_link(person, client, db):
    admin = person("admin@example.org", access=Access.ADMIN)
    client.post(
        "/auth/sign-in",
        data={"email": "victim@example.org", "csrf_token": csrf_of(client.get("/auth/sign-in").text)},
    )
    page = admin.client.get("/admin/outbox").text
    assert "victim@example.org" in page
    assert not re.search(r"/auth/verify\?token=[A-Za-z0-9._-]{20,}", page)
    assert "only the recipient can use it" in page


def test_finding_14_with_smtp_the_body_is_not_stored(db, settings, monkeypatch):
    from crowd.services import mail

    monkeypatch.setattr(mail, "_deliver", lambda settings, **kwargs: None)
    with_smtp = dataclasses.replace(settings, smtp_host="smtp.example.org")
    with db.write() as session:
        send_mail(session, settings=with_smtp, to="a@example.org", subject="Link", body="secret link here")
    with db.read() as session:
        stored = session.exec(select(OutboxMessage)).one()
    assert stored.body == SENT_BY_SMTP and stored.delivered


def test_finding_16_similar_ideas_are_rate_limited(settings, db, open_workshop):
    workshop, _ = open_workshop
    app = create_app(
        dataclasses.replace(settings, rate_limits_enabled=True, rate_limit_heavy="3/minute"), migrate=False
    )
    with TestClient(app) as client:
        sign_in(client, db, "ann@example.org")
        statuses = [client.get(f"/w/{workshop.slug}/similar?text=more+clinics").status_code for _ in range(5)]
    app.state.db.dispose()
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]


def test_finding_17_hsts_when_configured_and_no_store_on_personal_data(settings, db, person, client):
    ann = person("ann@example.org")
    data = ann.client.get("/me/data")
    assert data.status_code == 200 and data.headers["cache-control"] == "no-store"
    assert ann.client.get("/").headers["cache-control"] == "no-store"  # signed in: nothing cached
    assert ann.client.get("/static/css/crowd.css").headers.get("cache-control") != "no-store"  # but assets
    assert "strict-transport-security" not in data.headers  # off unless set
    app = create_app(dataclasses.replace(settings, hsts_seconds=31536000), migrate=False)
    with TestClient(app) as visitor:
        response = visitor.get("/privacy")
    app.state.db.dispose()
    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


def test_finding_17_one_small_cell_threshold_for_everything():
    assert Settings.small_cell_threshold == 5
    from exports.suppression import DEFAULT_THRESHOLD

    assert Settings.small_cell_threshold == DEFAULT_THRESHOLD
    import crowd.web.opinions as opinions_web

    assert "small_cell_threshold" in Path(opinions_web.__file__).read_text(encoding="utf-8")
