"""Finding 1: with the built-in development secret anyone who read the source could sign a session cookie
for any participant (an admin, say). Only an explicit ENVIRONMENT=development may run on it; export
pseudonyms have a key of their own."""

from __future__ import annotations

import base64
import json
import time

import itsdangerous
import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from crowd import app as crowd_app
from crowd.app import create_app
from crowd.models import Access, Participant
from crowd.services.errors import DomainError
from crowd.services.exports import data as export_data
from crowd.settings import DEV_SECRET, Settings, SettingsError


def forged_cookie(secret: str, participant_id: int, epoch: int) -> str:
    now = int(time.time())
    session = {"pid": participant_id, "epoch": epoch, "sid": "f" * 16, "at": now, "seen": now}
    payload = base64.b64encode(json.dumps(session).encode())
    return itsdangerous.TimestampSigner(secret).sign(payload).decode()


@pytest.mark.parametrize("environment", [None, "test", "production", "staging"])
def test_finding_01_no_default_secret_outside_explicit_development(environment, monkeypatch, tmp_path):
    env = {} if environment is None else {"ENVIRONMENT": environment}
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("ENVIRONMENT", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match="ENVIRONMENT|SECRET_KEY"):
        Settings.from_env(env, require_secret=True)
    with pytest.raises(SettingsError, match="ENVIRONMENT|SECRET_KEY"):
        crowd_app.from_env()  # what uvicorn runs: the server refuses to start
    with pytest.raises(SettingsError):
        Settings.from_env({**env, "SECRET_KEY": DEV_SECRET}).check()
    with pytest.raises(SettingsError):
        Settings.from_env({**env, "SECRET_KEY": "short"}).check()


def test_finding_01_development_must_be_chosen_to_use_the_built_in_secret():
    assert Settings.from_env({"ENVIRONMENT": "development"}).secret_key == DEV_SECRET
    assert Settings.from_env({"SECRET_KEY": "k" * 40}).environment == "production"


def test_finding_01_an_app_built_in_code_refuses_a_missing_secret(tmp_path):
    with pytest.raises(SettingsError):
        create_app(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}"), migrate=False)


def test_finding_01_a_cookie_signed_with_the_source_code_secret_opens_nothing(app, db, person, settings):
    admin = person("admin@example.org", access=Access.ADMIN)
    with db.read() as session:
        epoch = session.exec(select(Participant).where(Participant.id == admin.id)).one().session_epoch
    with TestClient(app) as attacker:
        attacker.cookies.set("crowd_session", forged_cookie(DEV_SECRET, admin.id, epoch))
        response = attacker.get("/admin/users", follow_redirects=False)
    assert response.status_code == 303 and "/auth/sign-in" in response.headers["location"]
    with TestClient(app) as insider:  # the same cookie signed with the app's own key does open it
        insider.cookies.set("crowd_session", forged_cookie(settings.secret_key, admin.id, epoch))
        assert insider.get("/admin/users", follow_redirects=False).status_code == 200


def test_finding_01_export_pseudonyms_have_their_own_key(settings):
    keyed = Settings(**{**settings.__dict__, "pseudonym_key": "p" * 40})
    assert export_data.pseudonym_secret(keyed) == "p" * 40
    assert export_data.pseudonym_secret(keyed) != export_data.pseudonym_secret(settings)
    production = Settings(**{**settings.__dict__, "environment": "production"})
    with pytest.raises(DomainError, match="PSEUDONYM_KEY"):
        export_data.pseudonym_secret(production)
    with pytest.raises(SettingsError, match="PSEUDONYM_KEY"):
        Settings(**{**settings.__dict__, "pseudonym_key": settings.secret_key}).check()
