"""Helpers for the workshop's web tests: post ideas and comments, vote over htmx, count rows."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func
from sqlmodel import select
from starlette.testclient import TestClient

from crowd.app import create_app
from crowd.db import Database
from crowd.models import Contribution, ContributionKind
from tests.conftest import Person


def post_idea(who: Person, workshop, section, text: str):
    return who.post(f"/w/{workshop.slug}/ideas", {"section_id": section.id, "text": text})


def idea_id_of(response) -> int:
    """The id of the idea a successful post redirected to (/w/SLUG/ideas/ID)."""
    assert "/ideas/" in str(response.url.path), response.text
    return int(str(response.url.path).rsplit("/", 1)[1])


def vote(who: Person, contribution_id: int, choice: str, *, htmx: bool = True):
    headers = {"HX-Request": "true"} if htmx else {}
    return who.client.post(
        f"/c/{contribution_id}/vote",
        data={"choice": choice, "csrf_token": who.csrf()},
        headers=headers,
        follow_redirects=False,
    )


def count_contributions(db: Database, kind: ContributionKind | None = None) -> int:
    statement = select(func.count()).select_from(Contribution)
    if kind is not None:
        statement = statement.where(Contribution.kind == kind)
    with db.read() as session:
        return session.exec(statement).one()


def contribution(db: Database, contribution_id: int) -> Contribution:
    with db.read() as session:
        found = session.get(Contribution, contribution_id)
    assert found is not None
    return found


@pytest.fixture
def limited(settings, db):
    """A second app on the same database with rate limits on and low: 3 writes and 2 sign-in requests."""
    strict = dataclasses.replace(
        settings, rate_limits_enabled=True, rate_limit_writes="3/minute", rate_limit_signin="2/minute"
    )
    application = create_app(strict, migrate=False)
    with TestClient(application) as test_client:
        yield application, test_client
    application.state.db.dispose()
