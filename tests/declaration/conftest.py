"""Helpers for the declaration tests: contributions to quote, and a declaration built through services."""

from __future__ import annotations

import pytest
from sqlmodel import select

from crowd.db import Database
from crowd.models import Access, Contribution, Participant
from crowd.services.declaration import foundations, outcomes
from crowd.services.declaration import versions as declarations
from crowd.services.workshop import contributions
from tests.factories import make_participant, make_workshop

BASE_URL = "https://crowd.example.org"


def add_participant(
    db: Database, email: str, *, access=Access.PARTICIPANT, consent_quote=False, name="Ann Example"
):
    return make_participant(db, email, name=name, access=access, consent_quote=consent_quote).id


def post_ideas(
    db: Database,
    texts: list[str],
    *,
    author_email: str = "quoted@example.org",
    consent_quote=False,
    title="Draft",
):
    workshop, sections = make_workshop(db, title=title)
    author_id = add_participant(db, author_email, consent_quote=consent_quote)
    ids = []
    with db.write() as session:
        author = session.get(Participant, author_id)
        for text in texts:
            ids.append(
                contributions.post_idea(
                    session, workshop=workshop, section_id=sections[0].id, author=author, text=text
                ).contribution.id
            )
    return workshop, ids


def make_foundation(
    session, *, title="Get Personal", statement="We must know the person.", outcome_target="75"
):
    foundation = foundations.create_foundation(
        session, actor_id=None, title=title, statement=statement, looks_like="People tell their story once."
    )
    outcomes.save_outcome(
        session,
        actor_id=None,
        foundation_id=foundation.id,
        form=outcomes.OutcomeForm(
            name=f"{title}: share who say they were asked what matters",
            definition="Survey question",
            unit="percentage",
            direction="higher",
            baseline="40",
            target=outcome_target,
            period="by 2028",
            data_source="Survey",
        ),
    )
    return foundation


def make_draft(session, *, titles=("Get Personal", "Make Boundaries Invisible")):
    """A saved draft with one new foundation per title."""
    made = [make_foundation(session, title=t, statement=f"We must {t.lower()}.") for t in titles]
    draft = declarations.start_draft(session, actor_id=None)
    declarations.save_draft(
        session,
        actor_id=None,
        declaration_id=draft.id,
        title="Our Declaration",
        preamble="We are Londoners.\n\nWe wrote this together.",
        foundation_ids=[f.id for f in made],
    )
    return draft


def publish_declaration(
    db: Database, *, titles=("Get Personal", "Make Boundaries Invisible"), note="First version"
):
    with db.write() as session:
        draft = make_draft(session, titles=titles)
        version = declarations.publish(
            session, actor_id=None, declaration_id=draft.id, change_note=note, base_url=BASE_URL
        )
        return version


@pytest.fixture
def published(db):
    return publish_declaration(db)


def contribution_count(db: Database) -> int:
    with db.read() as session:
        return len(session.exec(select(Contribution.id)).all())
