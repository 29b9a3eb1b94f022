"""Who a verified single sign-on is: allowed domains, access by domain, linking by email, bad config refused."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from crowd.models import Access, Participant
from crowd.services.errors import DomainError
from crowd.services.people import sso

GOOD = {"name": "nhsmail", "label": "NHSmail", "issuer": "https://login.example.nhs.uk", "client_id": "c",
        "client_secret": "s", "domains": ["nhs.net"], "access": {"leads.nhs.net": "lead"}}  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("{", "not valid JSON"),
        ('{"name": "x"}', "must be a JSON list"),
        (json.dumps([{**GOOD, "domains": []}]), "needs domains"),
        (json.dumps([{**GOOD, "issuer": "http://evil.example"}]), "must be an https:// address"),
        (json.dumps([{**GOOD, "access": {"nhs.net": "owner"}}]), "access level 'owner'"),
        (json.dumps([GOOD, GOOD]), "name must be unique"),
    ],
)
def test_unusable_provider_settings_are_refused_with_a_reason(raw, message):
    with pytest.raises(sso.ProviderConfigError, match=message):
        sso.providers_from(raw)


def test_first_sign_in_links_to_the_existing_account_by_email_and_never_lowers_access(db):
    (provider,) = sso.providers_from(json.dumps([GOOD]))
    with db.write() as session:
        session.add(Participant(email="ann@nhs.net", access=Access.MODERATOR, display_name="Ann"))
    with db.write() as session:
        ann = sso.account_for(
            session, provider=provider, claims={"email": "Ann@NHS.net", "email_verified": True}
        )
        lead = sso.account_for(session, provider=provider, claims={"email": "bo@leads.nhs.net"})
        ids = ann.id, lead.id
    with db.read() as session:
        people = {p.email: p for p in session.exec(select(Participant))}
    assert set(people) == {"ann@nhs.net", "bo@leads.nhs.net"}
    assert people["ann@nhs.net"].id == ids[0] and people["ann@nhs.net"].access == Access.MODERATOR
    assert people["bo@leads.nhs.net"].access == Access.LEAD


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({"email": "x@gmail.com"}, "for @nhs.net addresses only"),
        ({"email": "x@nhs.net.evil.com"}, "for @nhs.net addresses only"),
        ({"email": "x@nhs.net", "email_verified": False}, "not verified"),
        ({"sub": "123"}, "did not give crowd a usable email address"),
    ],
)
def test_sign_ins_outside_the_rules_are_refused_and_make_no_account(db, claims, message):
    (provider,) = sso.providers_from(json.dumps([GOOD]))
    with pytest.raises(DomainError, match=message), db.write() as session:
        sso.account_for(session, provider=provider, claims=claims)
    with db.read() as session:
        assert session.exec(select(Participant)).all() == []
