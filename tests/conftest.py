"""Shared fixtures: a fresh database per test (SQLite, and PostgreSQL when CROWD_TEST_POSTGRES_URL is
set), the app on it, a test client, and helpers that sign people in through the real magic link."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text
from sqlmodel import select
from starlette.testclient import TestClient

from crowd.app import create_app
from crowd.db import Database, create_all
from crowd.models import Access, CareRole, OutboxMessage, Participant
from crowd.settings import Settings
from tests.factories import make_workshop

POSTGRES_URL = os.environ.get("CROWD_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", "postgres"] if POSTGRES_URL else ["sqlite"]
# Speed is measured by bench/, never by a test: no hypothesis example fails for taking over 200 ms on a
# busy machine.
hypothesis_settings.register_profile("crowd", deadline=None)
hypothesis_settings.load_profile("crowd")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a new PostgreSQL database dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'crowd.db'}"
        return
    name = f"crowd_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    base, _, _ = POSTGRES_URL.rpartition("/")
    yield f"{base}/{name}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def settings(database_url, tmp_path) -> Settings:
    return Settings(
        database_url=database_url,
        environment="test",
        secret_key="test-secret-" + "x" * 32,
        rate_limits_enabled=False,
        admin_emails=("admin@example.org",),
        data_dir=str(tmp_path),
        embeddings_enabled=False,
    )


@pytest.fixture
def db(settings) -> Iterator[Database]:
    database = Database(settings.database_url)
    create_all(database.engine)
    yield database
    database.dispose()


@pytest.fixture
def app(settings, db):
    application = create_app(settings, migrate=False)
    yield application
    application.state.db.dispose()


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def latest_link(db: Database, email: str) -> str:
    with db.read() as session:
        message = session.exec(
            select(OutboxMessage).where(OutboxMessage.to == email).order_by(OutboxMessage.id.desc())  # type: ignore[union-attr]
        ).first()
    assert message is not None, f"no mail to {email}"
    return re.search(r"(/auth/verify\?token=\S+)", message.body).group(1)


def follow_sign_in_link(client: TestClient, link: str, **kwargs):
    """Open a mailed sign-in link and press its "Sign in" button, as a person does (the GET alone uses
    nothing up); returns the POST's answer, not followed unless asked."""
    page = client.get(link)
    assert page.status_code == 200, page.text
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    kwargs.setdefault("follow_redirects", False)
    return client.post("/auth/verify", data={"token": token, "csrf_token": csrf_of(page.text)}, **kwargs)


@dataclass
class Person:
    email: str
    client: TestClient
    id: int

    def csrf(self, path: str = "/") -> str:
        return csrf_of(self.client.get(path).text)

    def post(self, path: str, data: dict | None = None, **kwargs):
        payload = {"csrf_token": self.csrf("/"), **(data or {})}
        return self.client.post(path, data=payload, **kwargs)


def sign_in(
    client: TestClient,
    db: Database,
    email: str,
    *,
    access: Access = Access.PARTICIPANT,
    role: CareRole = CareRole.STAFF,
    borough: str = "Hackney",
    name: str | None = None,
    profile: bool = True,
) -> Person:
    """Sign in through the real magic link; optionally fill in the profile; set the access level."""
    page = client.get("/auth/sign-in")
    client.post("/auth/sign-in", data={"email": email, "csrf_token": csrf_of(page.text)})
    response = follow_sign_in_link(client, latest_link(db, email))
    assert response.status_code == 303, response.text
    with db.write() as session:
        participant = session.exec(select(Participant).where(Participant.email == email)).one()
        participant.access = access
        session.add(participant)
    if profile:
        form = {
            "display_name": name or email.split("@")[0].title(),
            "role": role.value,
            "borough": borough,
            "consent_privacy": "yes",
            "csrf_token": csrf_of(client.get("/profile").text),
        }
        assert client.post("/profile", data=form, follow_redirects=False).status_code == 303
    return Person(email=email, client=client, id=participant.id)


@pytest.fixture
def person(app, db):
    """A factory: person('ann@example.org', access=..., role=...) -> a signed-in Person with its own client."""
    clients: list[TestClient] = []

    def make(email: str, **kwargs) -> Person:
        test_client = TestClient(app)
        test_client.__enter__()
        clients.append(test_client)
        return sign_in(test_client, db, email, **kwargs)

    yield make
    for test_client in clients:
        test_client.__exit__(None, None, None)


@pytest.fixture
def open_workshop(db):
    return make_workshop(db)
