"""Leads download the poster and the declaration document of a published version from the exports page."""

from __future__ import annotations

import io
import re

from docx import Document
from sqlmodel import select

from crowd.models import Access, AuditEntry
from tests.exports_app.conftest import pdf_page_size, pdf_text


def _audit(db, action: str) -> list[AuditEntry]:
    with db.read() as session:
        return list(session.exec(select(AuditEntry).where(AuditEntry.action == action)))


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_lead_prints_the_a3_poster_of_the_published_version(populated, person, db, tmp_path):
    lead = person("lead@example.org", access=Access.LEAD)
    page = lead.client.get("/exports")
    assert page.status_code == 200 and "Version 1" in page.text

    response = lead.post(
        "/exports/poster", {"version": "1", "paper": "a3", "theme": "nhs-blue", "format": "pdf"}
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'attachment; filename="declaration-v1-poster-a3.pdf"'
    assert "841.89 x 1190.55 pts" in pdf_page_size(response.content, tmp_path)
    text = _squash(pdf_text(response.content, tmp_path))
    assert "Our Declaration for Health and Care in London" in text
    assert "Get Personal" in text and "Make Boundaries Invisible" in text
    assert "Co-created by 12 people" in text
    assert "DRAFT" not in text
    (entry,) = _audit(db, "export_poster")
    assert entry.actor_id == lead.id and entry.after["version"] == 1 and entry.after["paper"] == "a3"
    assert entry.at is not None


def test_lead_gets_an_a4_poster_in_another_theme_and_a_png_preview(populated, person, tmp_path):
    lead = person("lead@example.org", access=Access.LEAD)
    a4 = lead.post("/exports/poster", {"version": "1", "paper": "a4", "theme": "warm", "format": "pdf"})
    assert "595.276 x 841.89 pts" in pdf_page_size(a4.content, tmp_path)

    png = lead.post(
        "/exports/poster", {"version": "1", "paper": "a3", "theme": "high-contrast", "format": "png"}
    )
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    assert 'filename="declaration-v1-poster-a3.png"' in png.headers["content-disposition"]


def test_declaration_document_comes_as_pdf_word_and_markdown_with_every_part(populated, person, tmp_path):
    lead = person("lead@example.org", access=Access.LEAD)

    pdf = lead.post("/exports/document", {"doc_version": "1", "doc_format": "pdf"})
    assert pdf.headers["content-type"] == "application/pdf"
    text = _squash(pdf_text(pdf.content, tmp_path))
    for expected in ("Get Personal", "People with a personalised care plan", "75%", "Tower Hamlets Together"):
        assert expected in text
    assert "আমরা একসাথে কাজ করব" in text

    docx = lead.post("/exports/document", {"doc_version": "1", "doc_format": "docx"})
    assert docx.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument")
    assert 'filename="declaration-v1.docx"' in docx.headers["content-disposition"]
    read_back = Document(io.BytesIO(docx.content))
    paragraphs = "\n".join(p.text for p in read_back.paragraphs)
    assert "Our Declaration for Health and Care in London" in paragraphs
    assert "We must see the whole person" in paragraphs
    cells = [cell.text for table in read_back.tables for row in table.rows for cell in row.cells]
    assert "GP Patient Survey" in cells

    markdown = lead.post("/exports/document", {"doc_version": "1", "doc_format": "md"})
    assert markdown.headers["content-type"] == "text/markdown; charset=utf-8"
    assert re.search(r"^# Our Declaration for Health and Care in London", markdown.text, re.MULTILINE)
    assert "Make Boundaries Invisible" in markdown.text


def test_an_unpublished_version_is_refused_and_nothing_is_recorded(populated, person, db):
    lead = person("lead@example.org", access=Access.LEAD)

    response = lead.post(
        "/exports/poster", {"version": "2", "paper": "a3", "theme": "nhs-blue", "format": "pdf"}
    )

    assert response.status_code == 400
    assert "Version 2 has not been published" in response.text
    assert _audit(db, "export_poster") == []


def test_bad_poster_choices_re_render_the_form_with_messages(populated, person, db):
    lead = person("lead@example.org", access=Access.LEAD)

    response = lead.post("/exports/poster", {"version": "x", "paper": "a5", "theme": "neon", "format": "gif"})

    assert response.status_code == 400
    for message in (
        "Choose a published version",
        "Choose A3 or A4 paper",
        "Choose a colour theme",
        "Choose PDF or PNG",
    ):
        assert message in response.text
    bad_document = lead.post("/exports/document", {"doc_version": "1", "doc_format": "odt"})
    assert bad_document.status_code == 400 and "Choose PDF, DOCX or Markdown" in bad_document.text
    assert _audit(db, "export_poster") == [] and _audit(db, "export_document") == []


def test_design_group_prints_the_draft_watermarked_but_the_public_poster_refuses_it(
    populated, person, db, tmp_path
):
    from tests.exports_app.conftest import build_declaration

    moderator = person("mod@example.org", access=Access.MODERATOR)
    assert moderator.client.get("/exports/draft-poster").status_code == 404  # no draft yet
    build_declaration(db, publish=False)  # a draft of version 2

    draft = moderator.client.get("/exports/draft-poster")
    assert draft.status_code == 200
    assert 'filename="declaration-DRAFT-poster-a3.pdf"' in draft.headers["content-disposition"]
    assert "DRAFT" in pdf_text(draft.content, tmp_path)
    assert _audit(db, "export_poster")[0].after["draft"] is True

    public = moderator.client.get("/exports/posters/1.pdf")
    assert public.status_code == 200 and "DRAFT" not in pdf_text(public.content, tmp_path)
    assert moderator.client.get("/exports/posters/2.pdf").status_code == 404
    participant = person("pat@example.org")
    assert participant.client.get("/exports/draft-poster").status_code == 403
