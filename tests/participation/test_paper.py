"""Paper and phone: a printable A4 response form per workshop (sections, space to write, QR code and short
link, Easy Read if chosen), and typing responses in bulk: stream "paper", masked, attributed to role and
borough but to no account."""

from __future__ import annotations

from sqlmodel import select

from crowd.models import Access, AuditEntry, Contribution, Stream
from crowd.services.declaration import easy_read
from tests.exports.exports_readback import A4_PT, read_pdf


def _pdf_text(body: bytes) -> str:
    facts = read_pdf(body)
    assert (round(facts.width_pt), round(facts.height_pt)) == (round(A4_PT[0]), round(A4_PT[1]))
    return " ".join(facts.text.split())


def test_moderator_downloads_the_a4_response_form_with_sections_and_short_link(person, open_workshop, db):
    workshop, sections = open_workshop
    with db.write() as session:
        easy_read.save(session, actor_id=None, target_type="section", target_id=sections[0].id,
                       points=[{"text": "Tell us about you.", "picture": "people", "alt": "Two people"}])  # fmt: skip
    moderator = person("mod@example.org", access=Access.MODERATOR)
    response = moderator.client.get(f"/manage/workshops/{workshop.id}/paper-form.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    assert "Get Personal" in text and "Focus on Outcomes" in text and "What do you think?" in text
    assert f"/w/{workshop.slug}" in text and "About you" in text
    easy = _pdf_text(
        moderator.client.get(f"/manage/workshops/{workshop.id}/paper-form.pdf?easy_read=yes").content
    )
    assert "Tell us about you." in easy and "There is no Easy Read version of this part yet." in easy
    assert (
        person("p@example.org").client.get(f"/manage/workshops/{workshop.id}/paper-form.pdf").status_code
        == 403
    )


def test_bulk_entry_stores_masked_paper_responses_attributed_to_role_and_borough_not_an_account(
    person, open_workshop, db
):
    workshop, sections = open_workshop
    lead = person("lead@example.org", access=Access.LEAD)
    assert lead.client.get(f"/manage/workshops/{workshop.id}/paper").status_code == 200
    sent = lead.post(
        f"/manage/workshops/{workshop.id}/paper",
        {
            "channel": "phone",
            "text-0": "Call me on 07700 900123, the GP never listens.",
            "section-0": str(sections[0].id),
            "role-0": "carer",
            "borough-0": "Camden",
            "text-1": "Please write letters in plain English.",
        },
        follow_redirects=True,
    )
    assert "2 responses added" in sent.text and "Personal data was removed" in sent.text
    with db.read() as session:
        rows = session.exec(select(Contribution).order_by(Contribution.id)).all()
        audit = session.exec(select(AuditEntry).where(AuditEntry.action == "record_paper_responses")).one()
    assert [c.stream for c in rows] == [Stream.PAPER, Stream.PAPER]
    assert all(c.author_id is None for c in rows)
    assert "07700 900123" not in rows[0].text and rows[0].masked
    assert (rows[0].source_role, rows[0].source_borough, rows[0].source_ref) == (
        "carer",
        "Camden",
        "Phone call",
    )
    assert rows[1].section_id is None and rows[1].source_role is None
    assert audit.actor_id == lead.id and audit.after["count"] == 2
    page = lead.client.get(f"/w/{workshop.slug}").text
    assert "Please write letters in plain English." in page and "Paper or phone" in page


def test_a_bad_row_refuses_the_whole_batch(person, open_workshop, db):
    workshop, sections = open_workshop
    moderator = person("mod@example.org", access=Access.MODERATOR)
    for bad, message in [
        ({"text-0": "Fine.", "text-1": "Also fine.", "borough-1": "Atlantis"}, "choose a London borough"),
        ({"text-0": "Fine.", "role-0": "king"}, "choose a role"),
        ({"text-0": "Fine.", "section-0": "99999"}, "choose a part of this workshop"),
        ({"role-0": "carer"}, "type what the person wrote"),
        ({}, "Type at least one response"),
        ({"text-0": "<script>x</script>"}, "plain text"),
        ({"text-0": "Fine.", "channel": "pigeon"}, "paper form or phone call"),
    ]:
        response = moderator.post(f"/manage/workshops/{workshop.id}/paper", {"channel": "paper", **bad})
        assert response.status_code == 400 and message in response.text, message
    with db.read() as session:
        assert session.exec(select(Contribution)).all() == []
    assert moderator.client.get("/manage/workshops/999/paper").status_code == 404
