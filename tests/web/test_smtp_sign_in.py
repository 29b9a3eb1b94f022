"""Sign-in links go through a real SMTP server when one is configured (aiosmtpd, started here)."""

from __future__ import annotations

import dataclasses
import re
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select
from starlette.testclient import TestClient

from crowd.app import create_app
from crowd.devserver import free_port
from crowd.models import OutboxMessage
from tests.conftest import csrf_of, follow_sign_in_link


class Collect:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    controller.stop()


def test_sign_in_link_arrives_by_smtp_and_signs_the_person_in(settings, db, smtp_server):
    controller, handler = smtp_server
    configured = dataclasses.replace(
        settings, smtp_host="127.0.0.1", smtp_port=controller.port, mail_from="crowd@nhs.example"
    )
    app = create_app(configured, migrate=False)
    with TestClient(app) as client:
        token = csrf_of(client.get("/auth/sign-in").text)
        response = client.post("/auth/sign-in", data={"email": "Carer@Example.org", "csrf_token": token})
        assert response.status_code == 200
        assert len(handler.messages) == 1
        recipients, mail = handler.messages[0]
        assert recipients == ["carer@example.org"]
        assert mail["From"] == "crowd@nhs.example"
        assert mail["Subject"] == "Your sign-in link for crowd"
        link = re.search(r"https?://\S+/auth/verify\?token=\S+", mail.get_content()).group(0)
        assert link.startswith(configured.base_url)
        followed = follow_sign_in_link(client, link.removeprefix(configured.base_url))
        assert followed.status_code == 303
        assert followed.headers["location"].startswith("/profile")
        assert client.get("/profile").status_code == 200
        assert client.get(link.removeprefix(configured.base_url)).status_code == 400  # used up
    with db.read() as session:
        assert session.exec(select(OutboxMessage)).one().delivered is True
    app.state.db.dispose()


def test_mail_server_down_gives_a_clear_message_and_stores_no_link(app, client, db):
    from sqlmodel import func, select

    from crowd.models import LoginToken
    from tests.conftest import csrf_of

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    app.state.settings = app.state.settings.__class__(
        **{**app.state.settings.__dict__, "smtp_host": "127.0.0.1", "smtp_port": dead_port}
    )
    page = client.get("/auth/sign-in")
    response = client.post(
        "/auth/sign-in", data={"email": "ann@example.org", "csrf_token": csrf_of(page.text)}
    )
    assert response.status_code == 503
    assert "could not send the email" in response.text
    with db.read() as session:
        assert session.exec(select(func.count()).select_from(LoginToken)).one() == 0
