"""Finding 9: anyone could sign up an existing organisation by name, take over its self-assessments and
lock the real organisation out. Signing up an organisation crowd already knows is a claim: a lead approves
it, unless the signer's email is at the organisation's domain."""

from __future__ import annotations

from sqlmodel import select

from crowd.models import Access, Organisation, OrganisationKind, Signatory
from tests.conftest import csrf_of
from tests.declaration.conftest import publish_declaration

SIGN = {
    "organisation_name": "Homerton Healthcare NHS Foundation Trust",
    "kind": "nhs_trust",
    "borough": "Hackney",
    "signer_name": "Sam Taylor",
    "signer_role": "Chief Executive",
}


def _known_trust(db, domain: str | None = None):
    with db.write() as session:
        session.add(
            Organisation(name=SIGN["organisation_name"], kind=OrganisationKind.NHS_TRUST, borough="Hackney",
                         email_domain=domain)
        )  # fmt: skip


def test_finding_09_a_claim_on_a_known_organisation_waits_for_a_lead(person, client, db):
    publish_declaration(db)
    _known_trust(db)
    mallory = person("mallory@example.org")
    response = mallory.post("/declaration/v/1/sign", SIGN)
    assert response.status_code == 200 and "a lead will check" in response.text
    with db.read() as session:
        claim = session.exec(select(Signatory)).one()
    assert claim.approved_at is None
    assert SIGN["organisation_name"] not in client.get("/declaration/signatories").text  # not public yet
    assert mallory.client.get(f"/declaration/signatories/{claim.id}/assess").status_code == 403

    lead = person("lead@example.org", access=Access.LEAD)
    page = lead.client.get("/declaration/signatories")
    assert "Claims waiting for a lead" in page.text
    refused = lead.client.post(
        f"/declaration/signatories/{claim.id}/claim",
        data={"decision": "refuse", "csrf_token": csrf_of(page.text)},
    )
    assert refused.status_code == 200 and "refused" in refused.text
    with db.read() as session:
        assert session.exec(select(Signatory)).all() == []  # the real trust can still sign up


def test_finding_09_a_lead_approves_a_genuine_claim(person, client, db):
    publish_declaration(db)
    _known_trust(db)
    sam = person("sam@example.org")
    sam.post("/declaration/v/1/sign", SIGN)
    with db.read() as session:
        claim_id = session.exec(select(Signatory.id)).one()
    lead = person("lead@example.org", access=Access.LEAD)
    page = lead.client.get("/declaration/signatories")
    lead.client.post(
        f"/declaration/signatories/{claim_id}/claim",
        data={"decision": "approve", "csrf_token": csrf_of(page.text)},
    )
    assert SIGN["organisation_name"] in client.get("/declaration/signatories").text
    assert sam.client.get(f"/declaration/signatories/{claim_id}/assess").status_code == 200


def test_finding_09_an_email_at_the_organisations_domain_signs_at_once(person, db):
    publish_declaration(db)
    _known_trust(db, domain="homerton.nhs.uk")
    staff = person("sam.taylor@homerton.nhs.uk")
    response = staff.post("/declaration/v/1/sign", SIGN)
    assert "has signed up" in response.text
    with db.read() as session:
        assert session.exec(select(Signatory)).one().approved_at is not None


def test_finding_09_a_new_organisation_is_the_signers_own(person, db):
    publish_declaration(db)
    priya = person("priya@example.org")
    response = priya.post("/declaration/v/1/sign", {**SIGN, "organisation_name": "Brand New Community Group"})
    assert "has signed up" in response.text
