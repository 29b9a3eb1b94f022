"""A small world for the participants-first tests: people, their ideas, a theme under a foundation with
pinned quotes, a hidden idea, and a published declaration - built through the services where they exist."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from crowd.models import (
    CareRole,
    Contribution,
    FoundationTheme,
    MemberRank,
    Participant,
    Stream,
    Theme,
    ThemeMember,
)
from crowd.models._base import utcnow
from crowd.services.declaration import foundations
from crowd.services.declaration import versions as declarations
from crowd.services.workshop import contributions, moderation
from tests.conftest import make_workshop

BASE_URL = "https://crowd.example.org"


@dataclass
class World:
    workshop: object
    sections: list
    ann: int  # service user, consents to be quoted, has an email
    bob: int  # carer, does not consent
    ann_idea: int
    bob_idea: int
    paper: int
    hidden: int
    unthemed: int
    theme_id: int
    foundation_id: int


def person(session, email: str, role: CareRole, *, consent_quote: bool, name: str) -> Participant:
    p = Participant(
        email=email,
        display_name=name,
        role=role,
        borough="Hackney",
        consent_privacy_at=utcnow(),
        consent_quote=consent_quote,
    )
    session.add(p)
    session.flush()
    return p


def build_world(db) -> World:
    workshop, sections = make_workshop(db)
    with db.write() as session:
        ann = person(session, "ann@example.org", CareRole.SERVICE_USER, consent_quote=True, name="Ann")
        bob = person(session, "bob@example.org", CareRole.CARER, consent_quote=False, name="Bob")

        def idea(author, text):
            return contributions.post_idea(
                session, workshop=workshop, section_id=sections[0].id, author=author, text=text
            ).contribution.id

        ann_idea = idea(ann, "Ask me what matters to me before you plan my care.")
        bob_idea = idea(bob, "Carers should be told the plan too.")
        hidden = idea(ann, "Something off topic that a moderator hides.")
        unthemed = idea(ann, "An idea nobody has grouped yet.")
        paper_row = Contribution(
            workshop_id=workshop.id,
            section_id=sections[0].id,
            text="Written on a paper form: listen to families.",
            stream=Stream.PAPER,
            source_role="carer",
            source_borough="Camden",
        )
        session.add(paper_row)
        session.flush()
        theme = Theme(workshop_id=workshop.id, label="Being listened to", size=3)
        session.add(theme)
        session.flush()
        for cid in (ann_idea, bob_idea, paper_row.id, hidden):
            session.add(ThemeMember(theme_id=theme.id, contribution_id=cid, rank=MemberRank.PRIMARY))
        foundation = foundations.create_foundation(
            session, actor_id=None, title="Get Personal", statement="We must know the person."
        )
        session.add(FoundationTheme(foundation_id=foundation.id, theme_id=theme.id))
        for cid in (ann_idea, bob_idea):
            foundations.add_evidence(
                session, actor_id=None, foundation_id=foundation.id, kind="quote", contribution_id=cid
            )
        session.flush()
        moderation.hide(session, contribution_id=hidden, actor_id=None, reason="Off topic for this workshop")
        ids = (ann.id, bob.id, ann_idea, bob_idea, paper_row.id, hidden, unthemed, theme.id, foundation.id)
    return World(workshop, sections, *ids)


def publish(db, *, note: str = "First version") -> int:
    with db.write() as session:
        from sqlmodel import select

        from crowd.models import Foundation

        draft = declarations.current_draft(session) or declarations.start_draft(session, actor_id=None)
        ids = [f.id for f in session.exec(select(Foundation))]
        declarations.save_draft(
            session,
            actor_id=None,
            declaration_id=draft.id,
            title="Our Declaration",
            preamble="We wrote this together.",
            foundation_ids=ids,
        )
        version = declarations.publish(
            session, actor_id=None, declaration_id=draft.id, change_note=note, base_url=BASE_URL
        )
        return version.number


@pytest.fixture
def world(db) -> World:
    return build_world(db)
