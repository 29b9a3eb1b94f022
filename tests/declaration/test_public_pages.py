"""Anyone can read the published declaration at stable addresses, comment on a paragraph and say
whether they support it."""

from __future__ import annotations

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from crowd.app import create_app
from crowd.models import Contribution, DeclarationSupport, Workshop
from tests.conftest import csrf_of
from tests.declaration.conftest import contribution_count, publish_declaration


def test_visitor_reads_the_declaration_at_its_stable_addresses(client, published):
    for path in ("/declaration", "/declaration/v/1"):
        page = client.get(path)
        assert page.status_code == 200
        assert "Our Declaration" in page.text and "We must get personal." in page.text
        assert 'id="preamble-2"' in page.text and 'id="f-get-personal"' in page.text
        assert "Comment on this paragraph" in page.text
    foundation = client.get("/declaration/foundations/get-personal")
    assert foundation.status_code == 200
    assert "share who say they were asked what matters" in foundation.text
    assert "The numbers behind it" in foundation.text
    assert client.get("/declaration/foundations/nothing-here").status_code == 404
    assert client.get("/declaration/v/9").status_code == 404


def test_before_anything_is_published_the_address_explains_itself(client):
    page = client.get("/declaration")
    assert page.status_code == 404
    assert "No version of the declaration has been published yet" in page.text


def test_anonymous_visitor_comments_on_a_paragraph_and_sees_it_quoted(client, db, published):
    page = client.get("/declaration/v/1?paragraph=preamble-2")
    assert "You are commenting on:" in page.text and "We wrote this together." in page.text
    sent = client.post(
        "/declaration/v/1/feedback",
        data={"paragraph": "preamble-2", "text": "Say who 'we' is.", "csrf_token": csrf_of(page.text)},
    )
    assert sent.status_code == 200
    assert "your comment is recorded" in sent.text
    assert "Say who &#39;we&#39; is." in sent.text
    assert "Preamble, paragraph 2:" in sent.text
    with db.read() as session:
        comment = session.exec(select(Contribution)).one()
        workshop = session.get(Workshop, comment.workshop_id)
    assert workshop.slug == "feedback-v1"
    assert comment.author_id is None and comment.kind.value == "idea" and comment.stream.value == "online"
    assert comment.source_ref == "declaration-v1#preamble-2"


def test_signed_in_participant_comments_on_a_foundation(person, db, published):
    ann = person("ann@example.org")
    ann.post("/declaration/v/1/feedback", {"paragraph": "f-get-personal", "text": "Yes, and ask carers too."})
    with db.read() as session:
        comment = session.exec(select(Contribution)).one()
        workshop = session.get(Workshop, comment.workshop_id)
        from crowd.services.workshop import workshops

        sections = workshops.sections(session, workshop.id)
    assert comment.author_id == ann.id
    assert [s.title for s in sections] == ["Preamble", "Get Personal", "Make Boundaries Invisible"]
    assert comment.section_id == sections[1].id


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "Write something before posting."),
        ({"text": "<script>alert(1)</script>"}, "HTML tags and scripts are not allowed"),
        (
            {"text": "Fine", "paragraph": "nowhere"},
            "Choose which part of the declaration your comment is about.",
        ),
    ],
)
def test_bad_feedback_is_refused_and_nothing_is_stored(client, db, published, data, message):
    token = csrf_of(client.get("/declaration/v/1").text)
    response = client.post("/declaration/v/1/feedback", data={"csrf_token": token, **data})
    assert response.status_code == 400
    assert message in response.text
    assert contribution_count(db) == 0


def test_anonymous_support_is_one_changeable_answer_per_session(client, db, published):
    token = csrf_of(client.get("/declaration").text)
    first = client.post(
        "/declaration/v/1/support",
        data={"choice": "mostly", "csrf_token": token},
        headers={"HX-Request": "true"},
    )
    assert first.status_code == 200 and 'id="support"' in first.text
    assert 'data-support-mine="mostly"' in first.text
    client.post("/declaration/v/1/support", data={"choice": "completely", "csrf_token": token})
    with db.read() as session:
        answers = session.exec(select(DeclarationSupport)).all()
    assert [a.choice for a in answers] == ["completely"]
    assert answers[0].visitor.startswith("s:")
    assert (
        client.post("/declaration/v/1/support", data={"choice": "maybe", "csrf_token": token}).status_code
        == 400
    )


def test_feedback_is_rate_limited_per_visitor(settings, db):
    publish_declaration(db)
    limited = create_app(
        settings.__class__(**{**settings.__dict__, "rate_limits_enabled": True}), migrate=False
    )
    with TestClient(limited) as visitor:
        token = csrf_of(visitor.get("/declaration").text)
        codes = [
            visitor.post(
                "/declaration/v/1/feedback", data={"text": f"Comment {i}", "csrf_token": token}
            ).status_code
            for i in range(8)
        ]
    assert codes[:6] == [200] * 6
    assert codes[6] == 429
    assert contribution_count(db) == 6


def test_versions_page_links_older_versions_and_changes(client, db, published):
    from crowd.services.declaration import versions as declarations

    with db.write() as session:
        draft = declarations.start_draft(session, actor_id=None)
        declarations.publish(
            session, actor_id=None, declaration_id=draft.id, change_note="Again", base_url=""
        )
    page = client.get("/declaration").text
    assert "Version 2" in page and 'href="/declaration/v/1"' in page and "What changed" in page
