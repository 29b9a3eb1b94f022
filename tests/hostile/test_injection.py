"""HTML and script typed into any field that is shown back appears as text, never as markup.

Each test posts `<script>alert(1)</script>` and `"><img src=x onerror=alert(1)>` through the real form
and reads the page that shows it: the escaped text is there, the raw markup is not. (The Content
Security Policy would also block inline script; escaping is the first line of defence.)"""

from __future__ import annotations

import re

import pytest
from markupsafe import escape
from sqlmodel import select

from crowd.models import Access, Foundation, LiveQuestion
from tests.conftest import csrf_of, sign_in
from tests.hostile.forms import row_counts
from tests.streams.conftest import Attendee, upload, write_csv
from tests.web.conftest import idea_id_of, post_idea

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
PAYLOADS = [SCRIPT, IMAGE]


def assert_shown_escaped(html: str, payload: str) -> None:
    assert payload not in html, "the raw markup is in the page"
    assert "<img src=x" not in html and "<script>alert" not in html
    assert str(escape(payload)) in html or str(escape(payload)).replace("&#34;", "&quot;") in html, (
        "the text is not shown back (escaped) on the page"
    )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_display_name_and_a_new_organisation_name_are_shown_as_text(client, db, open_workshop, payload):
    workshop, sections = open_workshop
    who = sign_in(client, db, "ann@example.org", profile=False)
    form = {
        "display_name": payload,
        "role": "staff",
        "borough": "Hackney",
        "new_organisation": f"Org {payload}",
        "consent_privacy": "yes",
        "csrf_token": csrf_of(client.get("/profile").text),
    }
    assert client.post("/profile", data=form, follow_redirects=False).status_code == 303
    assert_shown_escaped(client.get("/profile").text, payload)
    idea = idea_id_of(post_idea(who, workshop, sections[0], "Shorter waits at the walk-in centre"))
    assert_shown_escaped(client.get(f"/w/{workshop.slug}/ideas/{idea}").text, payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_ideas_and_comments_with_markup_are_refused_and_shown_back_as_text(
    person, db, open_workshop, payload
):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    idea = idea_id_of(post_idea(ann, workshop, sections[0], "Evening appointments at the GP"))
    before = row_counts(db)

    refused_idea = post_idea(ann, workshop, sections[0], f"Idea {payload}")
    refused_comment = ann.post(f"/w/{workshop.slug}/ideas/{idea}/comments", {"text": f"Comment {payload}"})

    for answer, text in ((refused_idea, f"Idea {payload}"), (refused_comment, f"Comment {payload}")):
        assert answer.status_code == 400
        assert "HTML tags and scripts are not allowed" in answer.text
        assert_shown_escaped(answer.text, text)  # kept in the box so the person can fix it
    assert row_counts(db) == before


@pytest.mark.parametrize("payload", PAYLOADS)
def test_workshop_titles_and_sections_are_shown_as_text(person, open_workshop, payload):
    workshop, sections = open_workshop
    lead = person("lead@example.org", access=Access.LEAD)
    edit = lead.client.get(f"/manage/workshops/{workshop.id}").text
    fields = {name: value for name, value in re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', edit)}
    fields.update(title=f"Workshop {payload}", slug=workshop.slug, status="open")
    answer = lead.post(f"/manage/workshops/{workshop.id}", fields)
    assert answer.status_code == 200, answer.text[:1500]
    lead.post(
        f"/manage/workshops/{workshop.id}/sections/{sections[0].id}",
        {"title": f"Section {payload}", "body": f"Body {payload}", "position": "1"},
    )
    page = lead.client.get(f"/w/{workshop.slug}").text
    assert_shown_escaped(page, f"Workshop {payload}")
    assert_shown_escaped(page, f"Section {payload}")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_foundation_text_is_shown_as_text(person, db, payload):
    lead = person("lead@example.org", access=Access.LEAD)
    lead.post("/foundations", {"title": f"Foundation {payload}", "statement": f"We will {payload}"})
    with db.read() as session:
        foundation = session.exec(select(Foundation)).first()
    assert foundation is not None, "the foundation was not created"
    page = lead.client.get(f"/foundations/{foundation.id}").text
    assert_shown_escaped(page, f"Foundation {payload}")
    assert_shown_escaped(page, f"We will {payload}")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_imported_notes_are_shown_as_text_in_the_preview(person, open_workshop, tmp_path, payload):
    workshop, _ = open_workshop
    lead = person("lead@example.org", access=Access.LEAD)
    path = write_csv(
        tmp_path / "notes.csv",
        [["focus group", "03/05/2024", f"Group {payload}", "carer", "Hackney", f"Note {payload}"]],
    )
    preview = upload(lead, workshop, path)
    assert preview.status_code == 200, preview.text[:1500]
    assert_shown_escaped(preview.text, f"Note {payload}")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_live_answers_are_shown_as_text_on_the_results(app, person, db, open_workshop, payload):
    workshop, _ = open_workshop
    lead = person("lead@example.org", access=Access.LEAD)
    page = lead.post("/manage/live", {"title": f"Event {payload}", "workshop_id": str(workshop.id)})
    event_id = int(str(page.url.path).rsplit("/", 1)[1])
    code = re.search(r"code ([A-Z0-9]{6})", page.text).group(1)
    assert_shown_escaped(page.text, f"Event {payload}")
    lead.post(
        f"/manage/live/{event_id}/questions", {"prompt": f"Why {payload}", "kind": "open_text", "options": ""}
    )
    with db.read() as session:
        question = session.exec(select(LiveQuestion)).one()
    lead.post(f"/manage/live/{event_id}/open", {"question_id": str(question.id)})
    phone = Attendee(app, code)
    assert_shown_escaped(phone.join().text, f"Why {payload}")
    answer = phone.answer(question.id, f"Answer {payload}")
    if answer.status_code == 400:  # refused as markup: shown back in the box to be fixed
        assert_shown_escaped(answer.text, f"Answer {payload}")
    else:
        assert answer.status_code in (200, 303)
        assert_shown_escaped(lead.client.get(f"/live/{code}/results").text, f"Answer {payload}")
