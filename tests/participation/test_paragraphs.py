"""Draft text reads as paragraphs everywhere: a blank line starts a new paragraph, a single line break is
a space (the draft's source lines never show as broken lines in the middle of a sentence)."""

from __future__ import annotations

from sqlmodel import select

from crowd.models import DeclarationVersion, Section
from crowd.services.declaration import foundations
from crowd.services.declaration import versions as declarations
from crowd.templating import make_templates
from exports.document import render_markdown
from tests.conftest import make_workshop
from tests.declaration.conftest import BASE_URL

DRAFT = "We must know the person,\nnot only the condition.\n\nAsk what matters\nto them."


def test_the_filter_makes_escaped_paragraphs_and_soft_line_breaks():
    env = make_templates().env
    html = env.from_string("{{ text | paragraphs }}").render(text=DRAFT + "\n\n<b>bold</b>")
    assert html == (
        "<p>We must know the person, not only the condition.</p>"
        "<p>Ask what matters to them.</p><p>&lt;b&gt;bold&lt;/b&gt;</p>"
    )
    assert env.from_string("{{ text | paragraphs }}").render(text="") == ""


def test_workshop_page_shows_section_text_as_paragraphs(client, db):
    workshop, sections = make_workshop(db)
    with db.write() as session:
        section = session.get(Section, sections[0].id)
        section.body = DRAFT
        session.add(section)
    page = client.get(f"/w/{workshop.slug}").text
    assert "<p>We must know the person, not only the condition.</p><p>Ask what matters to them.</p>" in page
    assert "the person,\nnot only" not in page


def _publish_with_line_breaks(db):
    with db.write() as session:
        foundation = foundations.create_foundation(
            session, actor_id=None, title="Get Personal", statement=DRAFT, looks_like="One story,\ntold once."
        )
        draft = declarations.start_draft(session, actor_id=None)
        declarations.save_draft(
            session,
            actor_id=None,
            declaration_id=draft.id,
            title="Our Declaration",
            preamble="We are\nLondoners.\n\nWe wrote this\ntogether.",
            foundation_ids=[foundation.id],
        )
        declarations.publish(
            session, actor_id=None, declaration_id=draft.id, change_note="First", base_url=BASE_URL
        )


def test_declaration_and_foundation_pages_show_paragraphs(client, db):
    _publish_with_line_breaks(db)
    page = client.get("/declaration/v/1").text
    assert "<p>We are Londoners.</p>" in page and "<p>We wrote this together.</p>" in page
    assert '<p class="nhsuk-body-l">We must know the person, not only the condition.</p>' in page
    assert "<p>One story, told once.</p>" in page
    foundation = client.get("/declaration/foundations/get-personal").text
    assert '<p class="nhsuk-body-l">Ask what matters to them.</p>' in foundation


def test_exports_use_the_same_paragraphs(db):
    _publish_with_line_breaks(db)
    with db.read() as session:
        version = session.exec(select(DeclarationVersion)).one()
    markdown = render_markdown(declaration=version.snapshot)
    assert (
        "> **We must know the person, not only the condition.**\n>\n> **Ask what matters to them.**"
        in markdown
    )
    assert "We are Londoners.\n\nWe wrote this together." in markdown
