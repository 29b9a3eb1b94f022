"""Organisations sign up, record self-assessments, and appear on the benchmark in the right colour."""

from __future__ import annotations

import csv
import io

from sqlmodel import select

from crowd.models import Access, Assessment, Signatory
from crowd.services.declaration import versions as declarations
from tests.declaration.conftest import publish_declaration

SIGN = {
    "organisation_name": "Hackney Central PCN",
    "kind": "gp_pcn",
    "borough": "Hackney",
    "signer_name": "Dr Priya Shah",
    "signer_role": "Clinical Director",
}
KEY = "get-personal-o1"  # percentage, baseline 40, target 75, higher is better


def _signed_up(person, published, email="priya@example.org", **overrides):
    priya = person(email)
    page = priya.post("/declaration/v/1/sign", {**SIGN, **overrides})
    assert page.status_code == 200, page.text
    return priya, int(page.url.path.split("/")[3])


def test_participant_signs_up_an_organisation_shown_on_the_public_list(person, client, db, published):
    _, signatory_id = _signed_up(person, published)
    page = client.get("/declaration/signatories")
    assert "Hackney Central PCN" in page.text and "Dr Priya Shah, Clinical Director" in page.text
    assert "GP practice or PCN" in page.text
    with db.read() as session:
        assert session.get(Signatory, signatory_id).participant_id is not None


def test_second_sign_up_of_the_same_organisation_is_refused(person, db, published):
    _signed_up(person, published)
    other = person("other@example.org")
    page = other.post("/declaration/v/1/sign", {**SIGN, "organisation_name": "hackney central  pcn"})
    assert page.status_code == 400
    assert "Hackney Central PCN has already signed up to version 1 of the declaration" in page.text
    with db.read() as session:
        assert len(session.exec(select(Signatory)).all()) == 1


def test_sign_up_with_missing_details_is_refused_and_nothing_is_stored(person, db, published):
    pat = person("pat@example.org")
    page = pat.post("/declaration/v/1/sign", {**SIGN, "kind": "", "borough": "Atlantis", "signer_role": ""})
    assert page.status_code == 400
    for message in (
        "Choose the type of organisation",
        "Choose the organisation&#39;s borough",
        "Enter the role",
    ):
        assert message in page.text
    with db.read() as session:
        assert session.exec(select(Signatory)).all() == []


def _assess(priya, signatory_id, number=1, **fields):
    data = {"signatory_id": str(signatory_id), "outcome": KEY, "period": "2026 Q4", **fields}
    return priya.post(f"/declaration/v/{number}/assess", data)


BAD_ASSESSMENTS = [
    ({f"{KEY}-value": "lots"}, "Enter a number for this percentage."),
    ({f"{KEY}-value": "140"}, "A percentage must be between 0 and 100."),
    ({f"{KEY}-status": "partly"}, "Say what the rating is based on"),
    ({f"{KEY}-value": "50", "period": ""}, "Enter the period"),
]


def test_assessment_values_of_the_wrong_unit_are_refused(person, db, published):
    priya, signatory_id = _signed_up(person, published)
    for fields, message in BAD_ASSESSMENTS:
        page = _assess(priya, signatory_id, **fields)
        assert page.status_code == 400
        assert message in page.text
    with db.read() as session:
        assert session.exec(select(Assessment)).all() == []


def test_organisation_cannot_assess_a_version_it_has_not_signed(person, db, published):
    priya, signatory_id = _signed_up(person, published)
    with db.write() as session:
        draft = declarations.start_draft(session, actor_id=None)
        declarations.publish(session, actor_id=None, declaration_id=draft.id, change_note="v2", base_url="")
    page = _assess(priya, signatory_id, number=2, **{f"{KEY}-value": "50"})
    assert page.status_code == 400
    assert "Hackney Central PCN has not signed version 2 of the declaration" in page.text
    with db.read() as session:
        assert session.exec(select(Assessment)).all() == []


def test_only_the_signing_participant_or_a_lead_records_assessments(person, db, published):
    _, signatory_id = _signed_up(person, published)
    stranger = person("stranger@example.org")
    assert stranger.client.get(f"/declaration/signatories/{signatory_id}/assess").status_code == 403
    assert _assess(stranger, signatory_id, **{f"{KEY}-value": "50"}).status_code == 403
    lead = person("lead@example.org", access=Access.LEAD)
    assert "Assessment for 2026 Q4 saved." in _assess(lead, signatory_id, **{f"{KEY}-value": "50"}).text


def test_benchmark_shows_each_outcome_in_the_right_colour_and_progress_over_periods(
    person, client, db, published
):
    priya, signatory_id = _signed_up(person, published)
    assert _assess(priya, signatory_id, period="2026 Q3", **{f"{KEY}-value": "45"}).status_code == 200
    saved = _assess(priya, signatory_id, period="2026 Q4", **{f"{KEY}-value": "60"})
    assert "Assessment for 2026 Q4 saved." in saved.text
    _, other_id = _signed_up(
        person,
        published,
        email="amara@example.org",
        organisation_name="Barts Health",
        kind="nhs_trust",
        borough="Tower Hamlets",
    )
    lead = person("lead@example.org", access=Access.LEAD)
    _assess(lead, other_id, **{f"{KEY}-value": "80", "get-personal-o1-evidence": '=HYPERLINK("x")'})
    page = client.get("/declaration/benchmark").text
    assert 'data-rag="amber" data-org="Hackney Central PCN">60% · Amber' in page
    assert 'data-rag="green" data-org="Barts Health">80% · Green' in page
    assert "2026 Q3" in page and "2026 Q4" in page  # Hackney's progress table
    assert "at least halfway from the baseline to the target" in page
    assert "Download the table (CSV)" not in page  # not a lead


def test_rating_without_a_value_counts_as_its_colour(person, client, published):
    priya, signatory_id = _signed_up(person, published)
    _assess(
        priya, signatory_id, **{f"{KEY}-status": "not_yet", f"{KEY}-evidence": "Survey starts in spring."}
    )
    assert (
        'data-rag="red" data-org="Hackney Central PCN">Not yet · Red'
        in client.get("/declaration/benchmark").text
    )


def test_lead_downloads_the_benchmark_table_with_formula_cells_neutralised(person, db, published):
    priya, signatory_id = _signed_up(person, published, organisation_name="=cmd|' /C calc'!A0")
    _assess(priya, signatory_id, **{f"{KEY}-value": "80"})
    assert priya.client.get("/declaration/benchmark.csv").status_code == 403
    lead = person("lead@example.org", access=Access.LEAD)
    response = lead.client.get("/declaration/benchmark.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 1
    assert rows[0]["organisation"].startswith("'=")
    assert (rows[0]["value"], rows[0]["rag"], rows[0]["period"]) == ("80%", "green", "2026 Q4")


def test_participants_must_sign_in_to_sign_up(client, published):
    page = client.get("/declaration/v/1/sign", follow_redirects=False)
    assert page.status_code == 303 and "/auth/sign-in" in page.headers["location"]


def test_two_versions_keep_separate_signatories(person, client, db):
    publish_declaration(db)
    with db.write() as session:
        draft = declarations.start_draft(session, actor_id=None)
        declarations.publish(session, actor_id=None, declaration_id=draft.id, change_note="v2", base_url="")
    pat = person("pat@example.org")
    assert pat.post("/declaration/v/1/sign", SIGN).status_code == 200
    assert pat.post("/declaration/v/2/sign", SIGN).status_code == 200  # the same organisation, a new version
    assert "Hackney Central PCN" in client.get("/declaration/signatories?v=1").text
