"""Moderators draft foundations with evidence; two editors never overwrite each other."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from crowd.models import Access, AuditEntry, Evidence, Foundation
from crowd.services.declaration import foundations
from tests.declaration.conftest import post_ideas


def _version_of(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def test_moderator_creates_and_edits_a_foundation(person, db):
    mod = person("mod@example.org", access=Access.MODERATOR)
    created = mod.post("/foundations", {"title": "Get Personal", "statement": "We must know the person."})
    assert created.status_code == 200
    assert "Get Personal" in created.text
    path = created.url.path
    saved = mod.post(
        path,
        {
            "version": _version_of(created.text),
            "title": "Get Personal",
            "statement": "We must know the person in front of us.",
            "looks_like": "People tell their story once.",
            "how_to_achieve": "Ask what matters.",
        },
    )
    assert "Foundation saved." in saved.text
    assert "We must know the person in front of us." in saved.text
    with db.read() as session:
        foundation = session.exec(select(Foundation)).one()
        assert foundation.version == 2
        assert session.exec(select(AuditEntry).where(AuditEntry.action == "edit_foundation")).first()


def test_second_moderator_saving_a_stale_form_sees_a_conflict_and_nothing_is_overwritten(person, db):
    ann = person("ann@example.org", access=Access.MODERATOR)
    bob = person("bob@example.org", access=Access.MODERATOR)
    created = ann.post("/foundations", {"title": "Get Personal", "statement": "We must listen."})
    path = created.url.path
    bobs_form = bob.client.get(path).text
    loaded = _version_of(bobs_form)
    fields = {"title": "Get Personal", "looks_like": "", "how_to_achieve": ""}
    ann.post(path, {**fields, "version": loaded, "statement": "We must listen to what matters to people."})
    response = bob.post(path, {**fields, "version": loaded, "statement": "We must be kind."})
    assert response.status_code == 409
    assert (
        "Someone else changed this foundation while you were editing: here are their changes" in response.text
    )
    assert "We must listen to what matters to people." in response.text  # their change, shown
    assert "We must be kind." in response.text  # bob's text is kept in the form
    with db.read() as session:
        assert session.exec(select(Foundation)).one().statement == "We must listen to what matters to people."
    # having read their changes, bob saves deliberately with the version the conflict page carries
    merged = bob.post(
        path, {**fields, "version": _version_of(response.text), "statement": "We must listen, kindly."}
    )
    assert "Foundation saved." in merged.text


def test_stale_version_is_refused_by_the_service(db):
    with db.write() as session:
        f = foundations.create_foundation(session, actor_id=None, title="Focus on Outcomes")
    with db.write() as session:
        foundations.update_foundation(
            session,
            actor_id=None,
            foundation_id=f.id,
            expected_version=1,
            title="Focus on Outcomes",
            statement="We must measure.",
            looks_like="",
            how_to_achieve="",
        )
    with pytest.raises(foundations.FoundationConflict) as caught, db.write() as session:
        foundations.update_foundation(
            session,
            actor_id=None,
            foundation_id=f.id,
            expected_version=1,
            title="Changed",
            statement="Other",
            looks_like="",
            how_to_achieve="",
        )
    assert caught.value.changed == ["title", "statement"]
    with db.read() as session:
        assert session.get(Foundation, f.id).title == "Focus on Outcomes"


def test_foundation_without_title_is_refused_and_nothing_is_stored(person, db):
    mod = person("mod@example.org", access=Access.MODERATOR)
    response = mod.post("/foundations", {"title": "  ", "statement": "We must."})
    assert response.status_code == 400
    assert "Enter a title" in response.text
    with db.read() as session:
        assert session.exec(select(Foundation)).all() == []


def test_promote_theme_service_makes_unique_slugs(db):
    with db.write() as session:
        a = foundations.create_foundation(session, actor_id=None, title="Get Personal")
        b = foundations.create_foundation(session, actor_id=None, title="Get personal!", statement="We must.")
    assert (a.slug, b.slug) == ("get-personal", "get-personal-2")


def test_quotes_show_role_and_borough_and_the_name_only_with_consent(person, db):
    _, (anonymous_quote,) = post_ideas(db, ["Tell my story once."], author_email="a@example.org")
    _, (named_quote,) = post_ideas(
        db, ["Ask me what matters."], author_email="b@example.org", consent_quote=True, title="Second"
    )
    mod = person("mod@example.org", access=Access.MODERATOR)
    path = mod.post("/foundations", {"title": "Get Personal", "statement": "We must."}).url.path
    for contribution_id in (anonymous_quote, named_quote):
        page = mod.post(f"{path}/evidence", {"kind": "quote", "contribution_id": str(contribution_id)})
        assert page.status_code == 200
    mod.post(
        f"{path}/evidence",
        {
            "kind": "case_study",
            "title": "One front door",
            "text": "Halved hand-offs.",
            "url": "https://example.org/x",
        },
    )
    mod.post(
        f"{path}/evidence", {"kind": "literature", "citation": "West M. Compassionate Leadership. 2021."}
    )
    with db.read() as session:
        shown = foundations.evidence_of(session, foundation_id=session.exec(select(Foundation)).one().id)
    by_text = {e.text: e.attribution for e in shown}
    assert by_text["Tell my story once."] == "Service user, Hackney"
    assert by_text["Ask me what matters."] == "Ann Example, Service user, Hackney"
    assert [e.kind.value for e in shown] == ["quote", "quote", "case_study", "literature"]


def test_evidence_with_bad_input_re_renders_with_messages_and_stores_nothing(person, db):
    mod = person("mod@example.org", access=Access.MODERATOR)
    path = mod.post("/foundations", {"title": "Get Personal"}).url.path
    for data, message in [
        ({"kind": "quote", "contribution_id": "999"}, "Enter the number of a visible contribution to quote"),
        ({"kind": "case_study", "title": "", "text": ""}, "Give the case study a title"),
        (
            {"kind": "literature", "citation": "X", "url": "javascript:alert(1)"},
            "Enter a web address starting with http",
        ),
    ]:
        response = mod.post(f"{path}/evidence", data)
        assert response.status_code == 400
        assert message in response.text
    with db.read() as session:
        assert session.exec(select(Evidence)).all() == []


WORKSPACE_ROUTES = [
    ("get", "/foundations"),
    ("post", "/foundations"),
    ("get", "/foundations/1"),
    ("post", "/foundations/1"),
    ("post", "/foundations/1/evidence"),
    ("post", "/foundations/1/evidence/1/remove"),
    ("get", "/foundations/1/outcomes/new"),
    ("post", "/foundations/1/outcomes"),
    ("get", "/foundations/1/outcomes/1"),
    ("post", "/foundations/1/outcomes/1"),
    ("post", "/foundations/1/outcomes/1/remove"),
]


def test_participants_cannot_use_the_workspace(person, db):
    with db.write() as session:
        foundations.create_foundation(session, actor_id=None, title="Get Personal")
    pat = person("pat@example.org")
    for method, path in WORKSPACE_ROUTES:
        response = pat.client.get(path) if method == "get" else pat.post(path, {"title": "x"})
        assert response.status_code == 403, (method, path)
    with db.read() as session:
        assert [f.title for f in foundations.list_foundations(session)] == ["Get Personal"]
