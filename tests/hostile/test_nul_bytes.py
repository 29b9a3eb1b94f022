"""A NUL byte (which PostgreSQL text columns cannot hold) in a form is refused or stored, never a 500, on
both backends."""

from __future__ import annotations

from tests.hostile.forms import row_counts


def test_a_nul_byte_in_an_idea_or_a_profile_is_never_a_server_error(person, db, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    before = row_counts(db)
    idea = ann.post(f"/w/{workshop.slug}/ideas", {"section_id": sections[0].id, "text": "Night\x00buses"})
    profile = ann.post("/profile", {"display_name": "A\x00nn", "role": "staff", "borough": "Hackney"})
    for answer in (idea, profile):
        assert answer.status_code < 500, answer.text[:500]
    if idea.status_code >= 400:
        assert row_counts(db)["contribution"] == before["contribution"]
