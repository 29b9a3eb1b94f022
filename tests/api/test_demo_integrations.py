"""The demo imports its shipped Pol.is conversation as a second workshop and prints a token that works."""

from __future__ import annotations

import re

from sqlmodel import select

from crowd.demo.integrations import POLIS_SLUG, build_demo_integrations
from crowd.models import Access, Contribution, Workshop
from tests.api.conftest import bearer


def test_demo_brings_in_the_pol_is_conversation_and_a_working_token(person, signed, client, db):
    person("lead@example.org", access=Access.LEAD)
    line = build_demo_integrations(db)
    with db.read() as session:
        workshop = session.exec(select(Workshop).where(Workshop.slug == POLIS_SLUG)).one()
        ideas = session.exec(select(Contribution).where(Contribution.workshop_id == workshop.id)).all()
    assert len(ideas) == 39 and sum(i.agree_count + i.disagree_count + i.pass_count for i in ideas) > 500
    token = re.search(r"(crowd_\w+_[\w-]+)", line).group(1)
    answer = client.get(f"/api/v1/workshops/{POLIS_SLUG}/engagement", headers=bearer(token))
    assert answer.status_code == 200, answer.text
    assert client.get(f"/w/{POLIS_SLUG}").status_code == 200
    build_demo_integrations(db)  # a second run imports nothing twice
    with db.read() as session:
        assert len(session.exec(select(Workshop).where(Workshop.slug == POLIS_SLUG)).all()) == 1
