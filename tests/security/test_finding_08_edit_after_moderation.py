"""Finding 8: an item cleared by a moderator, then edited by its author into abusive text, stayed visible
and never came back to the moderation queue."""

from __future__ import annotations

from sqlmodel import select

from crowd.models import Access, Contribution
from crowd.services.workshop import moderation


def test_finding_08_an_edit_after_moderation_goes_back_through_moderation(person, db, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    mod = person("mod@example.org", access=Access.MODERATOR)
    page = ann.post(
        f"/w/{workshop.slug}/ideas", {"section_id": sections[0].id, "text": "More evening clinics."}
    )
    idea_id = int(str(page.url.path).rsplit("/", 1)[1])
    bob = person("bob@example.org")
    bob.post(f"/c/{idea_id}/flag", {"reason": "not sure"})
    with db.write() as session:  # the moderator looks and keeps it
        moderation.dismiss_flags(session, contribution_id=idea_id, actor_id=mod.id, reason="it is fine")
        assert moderation.queue(session) == []

    edited = ann.post(f"/c/{idea_id}/edit", {"text": "Something abusive about a named nurse."})
    assert edited.status_code == 200 and "once they have looked" in edited.text
    with db.read() as session:
        idea = session.exec(select(Contribution).where(Contribution.id == idea_id)).one()
        assert idea.status.value == "hidden" and idea.moderated_at is None
        assert [item.contribution.id for item in moderation.queue(session)] == [idea_id]
    assert "Something abusive" not in bob.client.get(f"/w/{workshop.slug}").text

    with db.write() as session:  # the moderator decides: it stays hidden
        moderation.hide(session, contribution_id=idea_id, actor_id=mod.id, reason="abusive")
    with db.read() as session:
        assert moderation.queue(session) == []


def test_finding_08_edits_of_unmoderated_items_stay_as_they_were(person, db, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    page = ann.post(
        f"/w/{workshop.slug}/ideas", {"section_id": sections[0].id, "text": "More evening clinics."}
    )
    idea_id = int(str(page.url.path).rsplit("/", 1)[1])
    ann.post(f"/c/{idea_id}/edit", {"text": "More evening and weekend clinics."})
    with db.read() as session:
        assert session.get(Contribution, idea_id).status.value == "visible"
