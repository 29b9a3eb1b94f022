"""Leads create and edit workshops and their ordered sections; nobody below a lead may."""

from sqlmodel import select

from crowd.models import Access, AuditEntry, Section, Workshop, WorkshopStatus
from tests.conftest import make_workshop


def workshop_form(**changes) -> dict:
    form = {
        "title": "Our Declaration: have your say",
        "slug": "",
        "intro": "Read the draft.",
        "status": "scheduled",
        "opens_at": "2026-12-01 09:00",
        "closes_at": "2026-12-14 17:00",
        "poll_question": "Do you support the draft?",
    }
    form.update(changes)
    return form


def test_lead_creates_a_workshop_adds_sections_and_edits_it(person, db):
    lead = person("lead@example.org", access=Access.LEAD)
    created = lead.post("/manage/workshops/new", workshop_form(), follow_redirects=False)
    assert created.status_code == 303
    with db.read() as session:
        workshop = session.exec(select(Workshop)).one()
    assert workshop.slug == "our-declaration-have-your-say"
    assert workshop.status == WorkshopStatus.SCHEDULED
    assert (
        workshop.opens_at is not None and workshop.opens_at.hour == 9
    )  # 09:00 London is 09:00 UTC in winter
    for title in ("Get Personal", "Make Boundaries Invisible"):
        lead.post(f"/manage/workshops/{workshop.id}/sections", {"title": title, "body": f"We must {title}."})
    page = lead.client.get(f"/manage/workshops/{workshop.id}").text
    assert page.index("Get Personal") < page.index("Make Boundaries Invisible")
    with db.read() as session:
        first = session.exec(select(Section).where(Section.title == "Get Personal")).one()
    lead.post(
        f"/manage/workshops/{workshop.id}/sections/{first.id}", {"title": "Get Personal", "position": "9"}
    )
    public = lead.client.get(f"/w/{workshop.slug}").text
    assert public.index("Make Boundaries Invisible") < public.index("Get Personal")
    lead.post(
        f"/manage/workshops/{workshop.id}", workshop_form(status="open", title="Renamed", slug=workshop.slug)
    )
    with db.read() as session:
        assert session.get(Workshop, workshop.id).title == "Renamed"
        actions = {entry.action for entry in session.exec(select(AuditEntry))}
    assert {"create_workshop", "edit_workshop", "create_section", "edit_section"} <= actions


def test_bad_workshop_forms_re_render_with_messages_and_store_nothing(person, db):
    lead = person("lead@example.org", access=Access.LEAD)
    cases = {
        "Enter a title": workshop_form(title=""),
        "Select a status": workshop_form(status="maybe"),
        "Enter a date and time like": workshop_form(opens_at="next tuesday"),
        "The closing time must be after the opening time": workshop_form(closes_at="2026-11-01 09:00"),
    }
    for message, form in cases.items():
        response = lead.post("/manage/workshops/new", form)
        assert response.status_code == 400, message
        assert message in response.text
    with db.read() as session:
        assert session.exec(select(Workshop)).all() == []


def test_an_empty_section_title_is_refused(person, db, open_workshop):
    workshop, sections = open_workshop
    lead = person("lead@example.org", access=Access.LEAD)
    response = lead.post(f"/manage/workshops/{workshop.id}/sections", {"title": " ", "body": "text"})
    assert response.status_code == 400
    assert "Enter a section title" in response.text
    with db.read() as session:
        assert len(session.exec(select(Section)).all()) == len(sections)


def test_draft_workshops_are_hidden_from_participants_but_not_from_leads(person, db):
    workshop, _ = make_workshop(db, title="Secret draft", status=WorkshopStatus.DRAFT)
    ann = person("ann@example.org")
    lead = person("lead@example.org", access=Access.LEAD)
    assert ann.client.get(f"/w/{workshop.slug}").status_code == 404
    assert "Secret draft" not in ann.client.get("/").text
    assert lead.client.get(f"/w/{workshop.slug}").status_code == 200


def test_participants_and_moderators_cannot_manage_workshops(person, db, open_workshop):
    workshop, _ = open_workshop
    for level in (Access.PARTICIPANT, Access.MODERATOR):
        someone = person(f"{level.value}@example.org", access=level)
        assert someone.client.get("/manage/workshops").status_code == 403
        refused = someone.post(f"/manage/workshops/{workshop.id}", workshop_form(title="Hijacked"))
        assert refused.status_code == 403
        assert (
            someone.post(f"/manage/workshops/{workshop.id}/sections", {"title": "Extra"}).status_code == 403
        )
    with db.read() as session:
        assert session.get(Workshop, workshop.id).title != "Hijacked"
        assert len(session.exec(select(Section)).all()) == 3
