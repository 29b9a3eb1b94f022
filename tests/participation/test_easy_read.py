"""Easy Read: a lead writes short points (with optional pictures and alt text) for sections, the preamble
and foundations; participants switch with one link and the choice is remembered; exports can be made in
Easy Read; an empty Easy Read falls back to the standard text with a note."""

from __future__ import annotations

import io

from docx import Document
from sqlmodel import select

from crowd.models import Access, DeclarationVersion, EasyRead, Foundation
from crowd.services.declaration import easy_read
from crowd.services.declaration import versions as declarations
from exports.document import render_document
from exports.poster import poster_data
from tests.participation.conftest import BASE_URL

POINTS = {
    "point-0-text": "We want to know you.",
    "point-0-picture": "people",
    "point-0-alt": "Two people talking",
    "point-1-text": "Tell us what matters to you.",
}


def test_lead_writes_easy_read_and_participant_switches_with_one_link(person, client, open_workshop, db):
    workshop, sections = open_workshop
    lead = person("lead@example.org", access=Access.LEAD)
    assert lead.client.get("/manage/easy-read").status_code == 200
    saved = lead.post(f"/manage/easy-read/section/{sections[0].id}", POINTS, follow_redirects=True)
    assert "Easy Read text saved" in saved.text
    standard = client.get(f"/w/{workshop.slug}").text
    assert "We want to know you." not in standard and "We must Get Personal." in standard
    switched = client.get(f"/easy-read?on=yes&next=/w/{workshop.slug}")
    assert switched.status_code == 200 and str(switched.url).endswith(f"/w/{workshop.slug}")
    page = client.get(f"/w/{workshop.slug}").text  # remembered
    assert '<img src="/static/easyread/people.svg" alt="Two people talking"' in page
    assert "Tell us what matters to you." in page and "We must Get Personal." not in page
    # a section without Easy Read: the standard text, with a note
    assert "There is no Easy Read version of this part yet." in page and "We must Focus on Outcomes." in page
    assert "Show the standard text" in page
    client.get(f"/easy-read?on=no&next=/w/{workshop.slug}")
    assert "We want to know you." not in client.get(f"/w/{workshop.slug}").text
    assert client.get("/easy-read?on=yes&next=//evil.example.org").url.path == "/"


def test_bad_easy_read_input_is_refused_and_changes_nothing(person, open_workshop, db):
    _, sections = open_workshop
    lead = person("lead@example.org", access=Access.LEAD)
    lead.post(f"/manage/easy-read/section/{sections[0].id}", POINTS)
    long = " ".join(["word"] * 25) + "."
    for bad, message in [
        ({"point-0-text": long}, "more than 20 words"),
        ({"point-0-text": "Hello.", "point-0-picture": "people"}, "alt text"),
        (
            {"point-0-text": "Hello.", "point-0-picture": "../../etc/passwd", "point-0-alt": "x"},
            "choose one of the pictures",
        ),
        ({"point-0-picture": "people", "point-0-alt": "x"}, "write the sentence"),
    ]:
        response = lead.post(f"/manage/easy-read/section/{sections[0].id}", bad)
        assert response.status_code == 400 and message in response.text
    with db.read() as session:
        assert easy_read.points_of(session, "section", sections[0].id)[0]["text"] == "We want to know you."
    assert lead.client.get("/manage/easy-read/nothing/1").status_code == 404
    assert lead.client.get("/manage/easy-read/section/999").status_code == 404
    assert person("p@example.org").client.get("/manage/easy-read").status_code == 403
    # every row empty removes it: the standard text comes back
    lead.post(f"/manage/easy-read/section/{sections[0].id}", {})
    with db.read() as session:
        assert session.exec(select(EasyRead)).all() == []


def _published_with_easy_read(db, *, foundation_points=True) -> dict:
    with db.write() as session:
        from crowd.services.declaration import foundations

        one = foundations.create_foundation(
            session, actor_id=None, title="Get Personal", statement="We must know the person."
        )
        two = foundations.create_foundation(
            session, actor_id=None, title="Focus", statement="We must measure outcomes."
        )
        draft = declarations.start_draft(session, actor_id=None)
        declarations.save_draft(
            session, actor_id=None, declaration_id=draft.id, title="Our Declaration",
            preamble="We are Londoners.", foundation_ids=[one.id, two.id],
        )  # fmt: skip
        easy_read.save(session, actor_id=None, target_type="preamble", target_id=draft.id,
                       points=[{"text": "This is our promise.", "picture": "heart", "alt": "A heart"}])  # fmt: skip
        if foundation_points:
            easy_read.save(session, actor_id=None, target_type="foundation", target_id=one.id,
                           points=[{"text": "We will get to know you.", "picture": "", "alt": ""}])  # fmt: skip
        declarations.publish(
            session, actor_id=None, declaration_id=draft.id, change_note="First", base_url=BASE_URL
        )
        # a later edit of the working copy does not change what was published
        easy_read.save(session, actor_id=None, target_type="foundation", target_id=one.id,
                       points=[{"text": "Changed later.", "picture": "", "alt": ""}])  # fmt: skip
        return session.exec(select(DeclarationVersion)).one().snapshot


def test_published_version_freezes_its_easy_read_and_the_page_falls_back_with_a_note(client, db):
    snapshot = _published_with_easy_read(db)
    assert snapshot["easy_read"]["foundations"] == {
        "get-personal": [{"text": "We will get to know you.", "picture": "", "alt": ""}]
    }
    client.get("/easy-read?on=yes&next=/declaration/v/1")
    page = client.get("/declaration/v/1").text
    assert "This is our promise." in page and 'alt="A heart"' in page
    assert "We will get to know you." in page and "Changed later." not in page
    assert "There is no Easy Read version of this part yet." in page and "We must measure outcomes." in page
    foundation = client.get("/declaration/foundations/get-personal").text
    assert "We will get to know you." in foundation


def test_poster_and_document_in_easy_read(db):
    snapshot = _published_with_easy_read(db)
    data = poster_data(declaration=snapshot, paper="a4", theme="nhs-blue", watermark=False, easy_read=True)
    assert data["preamble"] == ["This is our promise."]
    assert [f["statement"] for f in data["foundations"]] == [
        "We will get to know you.",
        "We must measure outcomes.",
    ]
    assert data["version_line"].startswith("Easy Read.") and "standard text" in data["made_line"]
    inlined = easy_read.for_export(snapshot)
    assert inlined["easy_read"]["preamble"][0]["svg"].startswith("<svg")
    pdf = render_document(declaration=inlined, fmt="pdf", easy_read=True)
    assert pdf.startswith(b"%PDF")
    md = render_document(declaration=inlined, fmt="md", easy_read=True).decode()
    assert "This is our promise." in md and "There is no Easy Read version of this part yet." in md
    assert "We must measure outcomes." in md
    docx = Document(io.BytesIO(render_document(declaration=inlined, fmt="docx", easy_read=True)))
    assert "We will get to know you." in [p.text for p in docx.paragraphs]


def test_easy_read_exports_through_the_exports_page(person, db):
    _published_with_easy_read(db)
    lead = person("lead@example.org", access=Access.LEAD)
    page = lead.client.get("/exports").text
    assert 'name="doc_easy_read"' in page and 'name="easy_read"' in page
    response = lead.post(
        "/exports/document", {"doc_version": "1", "doc_format": "md", "doc_easy_read": "yes"}
    )
    assert response.status_code == 200 and "This is our promise." in response.text
    assert "easy-read" in response.headers["content-disposition"]
    poster = lead.post(
        "/exports/poster", {"version": "1", "paper": "a4", "format": "pdf", "easy_read": "yes"}
    )
    assert poster.status_code == 200 and poster.content.startswith(b"%PDF")
    with db.read() as session:
        assert session.exec(select(Foundation)).all()


def test_a_new_drafts_preamble_starts_from_the_published_easy_read(person, db):
    _published_with_easy_read(db)
    with db.write() as session:
        draft = declarations.start_draft(session, actor_id=None)
        draft_id = draft.id
    lead = person("lead@example.org", access=Access.LEAD)
    page = lead.client.get(f"/manage/easy-read/preamble/{draft_id}").text
    assert 'value="This is our promise."' in page
