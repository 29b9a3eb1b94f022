"""Moderators draft the declaration; only leads publish a frozen, numbered version; later drafts start
from it; versions can be compared."""

from __future__ import annotations

import typing

import pytest
from sqlmodel import select

from crowd.models import Access, DeclarationVersion, Outcome, Workshop
from crowd.services.declaration import foundations
from crowd.services.declaration import versions as declarations
from exports import contracts
from tests.declaration.conftest import BASE_URL, make_draft, make_foundation, publish_declaration


def _draft_with(person, db, *, statement="We must know the person."):
    mod = person("mod@example.org", access=Access.MODERATOR)
    with db.write() as session:
        foundation = make_foundation(session, statement=statement)
    mod.post("/declaration/drafts/new")
    with db.read() as session:
        draft = declarations.current_draft(session)
    page = mod.post(
        f"/declaration/drafts/{draft.id}",
        {
            "title": "Our Declaration",
            "preamble": "We are Londoners.",
            "include": str(foundation.id),
            f"position-{foundation.id}": "1",
        },
    )
    assert "Draft saved." in page.text
    return mod, draft, foundation


def test_moderator_drafts_and_lead_publishes_version_one(person, db):
    mod, draft, _ = _draft_with(person, db)
    refused = mod.post(f"/declaration/drafts/{draft.id}/publish", {"change_note": "First"})
    assert refused.status_code == 403
    lead = person("lead@example.org", access=Access.LEAD)
    page = lead.post(f"/declaration/drafts/{draft.id}/publish", {"change_note": "First version"})
    assert page.url.path == "/declaration/v/1"
    assert "Version 1 is published" in page.text
    assert "We must know the person." in page.text
    with db.read() as session:
        version = session.get(DeclarationVersion, draft.id)
        workshop = session.get(Workshop, version.feedback_workshop_id)
    assert (version.number, version.status.value, version.change_note) == (1, "published", "First version")
    assert workshop.slug == "feedback-v1" and workshop.status.value == "open"


def _keys(typed_dict) -> set[str]:
    return set(typing.get_type_hints(typed_dict))


def test_frozen_snapshot_matches_the_exports_contract_exactly(db, published):
    snapshot = published.snapshot
    assert set(snapshot) == _keys(contracts.Declaration)
    assert set(snapshot["stats"]) == _keys(contracts.DeclarationStats)
    foundation = snapshot["foundations"][0]
    assert set(foundation) == _keys(contracts.Foundation)
    assert set(foundation["outcomes"][0]) == _keys(contracts.Outcome)
    assert snapshot["status"] == "published"
    assert snapshot["version"] == 1
    assert snapshot["public_url"] == f"{BASE_URL}/declaration/v/1"
    assert [f["slug"] for f in snapshot["foundations"]] == ["get-personal", "make-boundaries-invisible"]


def test_stats_count_the_crowd_at_publish_time(person, db, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    ann.post(f"/w/{workshop.slug}/ideas", {"section_id": sections[0].id, "text": "Ask what matters."})
    bob = person("bob@example.org", borough="Camden")
    bob.post(f"/w/{workshop.slug}/poll", {"choice": "mostly"})
    version = publish_declaration(db)
    stats = version.snapshot["stats"]
    assert (stats["people"], stats["boroughs"], stats["ideas"], stats["comments"]) == (2, 2, 1, 0)
    assert stats["poll_support_share"] == 1.0


def test_draft_snapshot_is_marked_draft_for_a_watermark(db, published):
    with db.write() as session:
        declarations.start_draft(session, actor_id=None)
    with db.read() as session:
        snapshot = declarations.snapshot_of_draft(session, base_url=BASE_URL)
    assert snapshot["status"] == "draft" and snapshot["version"] == 2 and snapshot["published_at"] is None
    assert len(snapshot["foundations"]) == 2


@pytest.mark.parametrize("problem", ["empty", "no statement", "no target"])
def test_unpublishable_drafts_are_refused_with_a_clear_message(person, db, problem):
    lead = person("lead@example.org", access=Access.LEAD)
    with db.write() as session:
        draft = declarations.start_draft(session, actor_id=None)
        if problem != "empty":
            f = make_foundation(session, statement="" if problem == "no statement" else "We must.")
            declarations.save_draft(
                session, actor_id=None, declaration_id=draft.id, title="T", preamble="", foundation_ids=[f.id]
            )
            if problem == "no target":
                outcome = session.exec(select(Outcome)).one()
                outcome.target = None  # made before targets were required
                session.add(outcome)
    page = lead.post(f"/declaration/drafts/{draft.id}/publish", {"change_note": "Try"})
    assert page.status_code == 400
    expected = {
        "empty": "The declaration is empty",
        "no statement": "has no &#34;We must ...&#34; statement yet",
        "no target": "has no target: add one before publishing",
    }[problem]
    assert expected in page.text
    with db.read() as session:
        assert declarations.published_versions(session) == []
        assert session.exec(select(Workshop)).all() == []


def test_a_new_draft_starts_from_the_last_published_version_and_versions_can_be_compared(
    person, db, published
):
    mod = person("mod@example.org", access=Access.MODERATOR)
    with db.write() as session:
        doomed = session.exec(
            select(foundations.Foundation).where(foundations.Foundation.slug == "make-boundaries-invisible")
        ).one()
        for outcome in session.exec(select(Outcome).where(Outcome.foundation_id == doomed.id)):
            session.delete(outcome)
        session.flush()
        from crowd.models import DeclarationItem

        for item in session.exec(select(DeclarationItem).where(DeclarationItem.foundation_id == doomed.id)):
            session.delete(item)
        session.flush()
        session.delete(doomed)
    mod.post("/declaration/drafts/new")
    page = mod.client.get("/declaration/drafts").text
    assert "We are Londoners." in page and "Started from the last published version" in page
    with db.read() as session:
        draft = declarations.current_draft(session)
        chosen = declarations.chosen_foundations(session, draft.id)
    assert [f.slug for f in chosen] == [
        "get-personal",
        "make-boundaries-invisible",
    ]  # the deleted one rebuilt
    assert len(chosen[1].statement) > 0
    with db.write() as session:
        foundations.update_foundation(
            session,
            actor_id=None,
            foundation_id=chosen[0].id,
            expected_version=chosen[0].version,
            title="Get Personal",
            statement="We must understand the whole person.",
            looks_like="People tell their story once.",
            how_to_achieve="",
        )
        declarations.publish(
            session, actor_id=None, declaration_id=draft.id, change_note="Whole person", base_url=BASE_URL
        )
    diff = mod.client.get("/declaration/changes?from=1&to=2")
    assert diff.status_code == 200
    assert "What changed from version 1 to version 2" in diff.text
    assert '<del class="crowd-del" title="removed">get personal.</del>' in diff.text
    assert '<ins class="crowd-ins" title="added">understand the whole person.</ins>' in diff.text
    assert "What it should look like" not in diff.text  # unchanged parts are not listed


def test_participants_get_403_on_drafting_and_moderators_on_publishing(person, db):
    with db.write() as session:
        draft = declarations.start_draft(session, actor_id=None)
    pat = person("pat@example.org")
    assert pat.client.get("/declaration/drafts").status_code == 403
    assert pat.post("/declaration/drafts/new").status_code == 403
    assert pat.post(f"/declaration/drafts/{draft.id}", {"title": "x"}).status_code == 403
    assert pat.client.get(f"/declaration/drafts/{draft.id}/preview").status_code == 403
    assert pat.post(f"/declaration/drafts/{draft.id}/publish", {"change_note": "x"}).status_code == 403
    mod = person("mod@example.org", access=Access.MODERATOR)
    assert mod.post(f"/declaration/drafts/{draft.id}/publish", {"change_note": "x"}).status_code == 403


def test_draft_with_a_missing_title_is_refused_and_nothing_changes(person, db):
    mod, draft, _ = _draft_with(person, db)
    page = mod.post(f"/declaration/drafts/{draft.id}", {"title": "", "preamble": "Changed"})
    assert page.status_code == 400 and "Enter a title" in page.text
    with db.read() as session:
        assert session.get(DeclarationVersion, draft.id).preamble == "We are Londoners."


def test_moderator_previews_the_draft_marked_draft(person, db):
    mod, draft, _ = _draft_with(person, db)
    page = mod.client.get(f"/declaration/drafts/{draft.id}/preview")
    assert page.status_code == 200
    assert "DRAFT: not published" in page.text and "We must know the person." in page.text


def test_two_leads_publishing_the_same_draft_at_once_make_one_version(db):
    """Both press Publish at the same instant: one version 1 and one feedback workshop; the other lead is
    told the draft has been published already (no database error)."""
    import threading

    from crowd.services.errors import NotFound

    with db.write() as session:
        draft = make_draft(session)
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def press_publish(note: str) -> None:
        start.wait()
        try:
            with db.write() as session:
                version = declarations.publish(
                    session, actor_id=None, declaration_id=draft.id, change_note=note, base_url=BASE_URL
                )
                outcomes.append(version.number)
        except Exception as error:  # noqa: BLE001 - what the second lead gets is the point of the test
            outcomes.append(error)

    threads = [threading.Thread(target=press_publish, args=(note,)) for note in ("First", "Also first")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str)[0] == 1
    refused = [o for o in outcomes if o != 1]
    assert len(refused) == 1 and isinstance(refused[0], NotFound), outcomes
    assert "published already" in refused[0].message
    with db.read() as session:
        published = declarations.published_versions(session)
        feedback = session.exec(select(Workshop).where(Workshop.slug == "feedback-v1")).all()
    assert [v.number for v in published] == [1] and len(feedback) == 1
