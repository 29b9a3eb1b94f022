"""The engagement report in the app and as a file; who may export what."""

from __future__ import annotations

import pytest
from sqlmodel import select

from crowd.models import Access, AuditEntry
from tests.exports_app.conftest import pdf_text

LEAD_POSTS = {
    "/exports/poster": {"version": "1", "paper": "a3", "theme": "nhs-blue", "format": "pdf"},
    "/exports/document": {"doc_version": "1", "doc_format": "md"},
    "/exports/data": {"workshop": "", "mode": "anonymised"},
    "/exports/report": {"report_workshop": "", "report_format": "html"},
}


def test_lead_reads_the_engagement_report_in_the_app_and_filters_it_by_workshop(populated, person, db):
    lead = person("lead@example.org", access=Access.LEAD)

    page = lead.client.get("/exports/report")

    assert page.status_code == 200
    for heading in (
        "Participants by role",
        "Participants by borough",
        "Activity over time",
        "Straw poll",
        "Themes",
    ):
        assert heading in page.text
    assert "<svg" in page.text and "Continuity of care" in page.text
    assert "<5" not in page.text  # escaped in HTML
    assert "&lt;5" in page.text  # Bexley's two people
    swapped = lead.client.get(
        f"/exports/report?workshop={populated.workshop.id}", headers={"HX-Request": "true"}
    )
    assert swapped.status_code == 200
    assert swapped.text.lstrip().startswith('<div id="export-report"')
    assert "<html" not in swapped.text
    with db.read() as session:
        assert (
            session.exec(select(AuditEntry).where(AuditEntry.action == "export_report")).first() is not None
        )


def test_lead_downloads_the_report_as_pdf_and_html(populated, person, tmp_path):
    lead = person("lead@example.org", access=Access.LEAD)

    pdf = lead.post("/exports/report", {"report_workshop": "", "report_format": "pdf"})
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith('attachment; filename="engagement-report-')
    text = " ".join(pdf_text(pdf.content, tmp_path).split())
    assert "Participants by borough" in text and "Continuity of care" in text

    html = lead.post("/exports/report", {"report_workshop": "", "report_format": "html"})
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    assert ".html" in html.headers["content-disposition"] and "<svg" in html.text
    bad = lead.post("/exports/report", {"report_workshop": "", "report_format": "docx"})
    assert bad.status_code == 400 and "Choose HTML or PDF" in bad.text


@pytest.mark.parametrize("access", [Access.PARTICIPANT, Access.MODERATOR])
def test_participants_and_moderators_cannot_use_the_lead_exports(populated, person, access, db):
    someone = person("someone@example.org", access=access)
    assert someone.client.get("/exports").status_code == 403
    assert someone.client.get("/exports/report").status_code == 403
    for path, form in LEAD_POSTS.items():
        response = someone.post(path, form)
        assert response.status_code == 403, path
        assert response.headers["content-type"].startswith("text/html")
    with db.read() as session:
        assert session.exec(select(AuditEntry).where(AuditEntry.action.startswith("export_"))).first() is None


def test_visitors_who_are_not_signed_in_are_sent_to_sign_in(populated, client):
    response = client.get("/exports", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/auth/sign-in")
    assert client.get("/exports/posters/1.png").headers["content-type"] == "image/png"


def test_the_exports_page_lists_the_forms_and_only_admins_see_the_full_option(populated, person):
    lead_page = person("lead@example.org", access=Access.LEAD).client.get("/exports").text
    admin_page = person("admin@example.org", access=Access.ADMIN).client.get("/exports").text
    for heading in ("Poster", "Declaration document", "Data", "Engagement report"):
        assert heading in lead_page
    assert 'value="full"' not in lead_page and "Only admins can export names and emails" in lead_page
    assert 'value="full"' in admin_page
