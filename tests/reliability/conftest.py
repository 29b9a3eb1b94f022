"""Helpers for the fault tests: a live uvicorn server in a subprocess that a test can kill and restart,
and participants signed in to it through real sign-in links."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from crowd.db import Database
from crowd.devserver import free_port, launch, prepare_database
from crowd.models import CareRole, Participant
from crowd.models._base import utcnow
from crowd.services.people import auth
from crowd.settings import Settings
from tests.conftest import follow_sign_in_link

ROOT = Path(__file__).resolve().parents[2]
SECRET = "reliability-secret-" + "x" * 40
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Server:
    """`python -m uvicorn crowd.app:from_env --factory` on one database; start, kill -9, start again."""

    database_url: str
    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def settings(self) -> Settings:
        return Settings(
            database_url=self.database_url, secret_key=SECRET, environment="test", base_url=self.url
        )

    def start(self) -> None:
        env = {
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": SECRET,
            "RATE_LIMITS_ENABLED": "false",
            "ENVIRONMENT": "test",
            "EMBEDDINGS_ENABLED": "false",
            "BASE_URL": self.url,
            "DATA_DIR": str(self.folder),
        }
        self.process = launch(env, port=self.port, log_path=self.folder / "server.log", timeout=30)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no lifespan end, no flushing; exactly what a crash or the OOM killer does."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def new_server(tmp_path: Path) -> Server:
    database_url = f"sqlite:///{tmp_path / 'crowd.db'}"
    prepare_database(database_url, tmp_path / "crowd.db")
    return Server(database_url=database_url, folder=tmp_path)


def make_participants(db: Database, count: int, *, prefix: str = "p") -> list[int]:
    """Participants with a complete profile (they may post at once)."""
    with db.write() as session:
        people = [
            Participant(
                email=f"{prefix}{n}@example.org",
                display_name=f"Person {n}",
                role=CareRole.STAFF,
                borough="Hackney",
                consent_privacy_at=utcnow(),
            )
            for n in range(count)
        ]
        session.add_all(people)
        session.flush()
        return [p.id for p in people]


def signed_in_client(server: Server, db: Database, email: str) -> tuple[httpx.Client, str]:
    """An httpx client signed in through a real sign-in link, and its CSRF token."""
    with db.write() as session:
        link = auth.request_link(session, settings=server.settings, email=email)
    client = httpx.Client(base_url=server.url, timeout=10)
    assert follow_sign_in_link(client, link).status_code == 303
    token = CSRF.search(client.get("/profile").text)
    assert token, "no CSRF token on the profile page"
    return client, token.group(1)
