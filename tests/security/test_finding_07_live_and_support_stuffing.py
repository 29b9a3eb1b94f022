"""Finding 7: live answers and declaration support could be stuffed (40 fresh sessions from one address
gave 40 counted answers: the limit was per device, and a device is a cookie); an answer was stored for a
closed workshop; anonymous open-text answers became workshop notes without a moderator seeing them."""

from __future__ import annotations

import dataclasses
import re

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from crowd.app import create_app
from crowd.models import (
    Access,
    Contribution,
    DeclarationSupport,
    LiveAnswer,
    LiveQuestion,
    Workshop,
    WorkshopStatus,
)
from crowd.services.workshop import moderation
from tests.conftest import csrf_of, make_workshop, sign_in
from tests.declaration.conftest import publish_declaration


@pytest.fixture
def limited(settings, db):
    app = create_app(
        dataclasses.replace(
            settings,
            rate_limits_enabled=True,
            rate_limit_live="10/hour",
            rate_limit_support="5/day",
            rate_limit_writes="1000/minute",
        ),
        migrate=False,
    )
    yield app
    app.state.db.dispose()


def _event_with_question(app, db, *, kind="choice", options="Yes\nNo"):
    workshop, _ = make_workshop(db)
    lead_client = TestClient(app)
    lead = sign_in(lead_client, db, "lead@example.org", access=Access.LEAD)
    page = lead.post("/manage/live", {"title": "Network event", "workshop_id": str(workshop.id)})
    event_id = int(str(page.url.path).rsplit("/", 1)[1])
    code = re.search(r"code ([A-Z0-9]{6})", page.text).group(1)
    lead.post(f"/manage/live/{event_id}/questions", {"prompt": "Well?", "kind": kind, "options": options})
    with db.read() as session:
        question = session.exec(select(LiveQuestion)).one()
    lead.post(f"/manage/live/{event_id}/open", {"question_id": str(question.id)})
    return workshop, code, question


def _fresh_phone_answers(app, code, question_id, value) -> int:
    with TestClient(app) as phone:
        token = csrf_of(phone.get(f"/live/{code}").text)
        response = phone.post(
            f"/live/{code}/answer",
            data={"csrf_token": token, "question_id": str(question_id), "answer": value},
            follow_redirects=False,
        )
        return response.status_code


def test_finding_07_fresh_cookies_from_one_address_do_not_make_fresh_answers(limited, db):
    _, code, question = _event_with_question(limited, db)
    statuses = [_fresh_phone_answers(limited, code, question.id, "0") for _ in range(14)]
    assert statuses.count(303) == 10 and statuses[10:] == [429] * 4
    with db.read() as session:
        assert len(session.exec(select(LiveAnswer)).all()) == 10


def test_finding_07_declaration_support_is_limited_per_version_and_address(limited, db):
    publish_declaration(db)
    statuses = []
    for _ in range(8):
        with TestClient(limited) as visitor:
            token = csrf_of(visitor.get("/declaration").text)
            statuses.append(
                visitor.post(
                    "/declaration/v/1/support",
                    data={"choice": "completely", "csrf_token": token},
                    follow_redirects=False,
                ).status_code
            )
    assert statuses.count(303) == 5 and 429 in statuses
    with db.read() as session:
        assert len(session.exec(select(DeclarationSupport)).all()) == 5


def test_finding_07_closed_means_closed(app, db):
    workshop, code, question = _event_with_question(app, db)
    with db.write() as session:
        row = session.get(Workshop, workshop.id)
        row.status = WorkshopStatus.CLOSED
        session.add(row)
    assert _fresh_phone_answers(app, code, question.id, "0") == 409
    with db.read() as session:
        assert session.exec(select(LiveAnswer)).all() == []


def test_finding_07_anonymous_open_text_waits_for_a_moderator(app, db, person):
    workshop, code, question = _event_with_question(app, db, kind="open_text", options="")
    assert _fresh_phone_answers(app, code, question.id, "The council never listens to us") == 303
    with db.read() as session:
        note = session.exec(select(Contribution)).one()
        assert note.status.value == "hidden" and note.moderated_at is None
        assert [item.contribution.id for item in moderation.queue(session)] == [note.id]
    reader = person("reader@example.org")
    assert "The council never listens to us" not in reader.client.get(f"/w/{workshop.slug}").text
    with db.write() as session:
        moderation.restore(session, contribution_id=note.id, actor_id=None, reason="fine")
    with db.read() as session:
        assert moderation.queue(session) == []
