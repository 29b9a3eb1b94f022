"""What a visitor to the demo sees: the draft, the people, and posts that read like real people wrote them."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

from sqlmodel import select

from crowd.models import (
    Access,
    CareRole,
    Contribution,
    ContributionKind,
    Organisation,
    Participant,
    Section,
    Workshop,
    WorkshopStatus,
)
from crowd.models._base import utcnow
from crowd.services.workshop.workshops import effective_status

FOUNDATIONS = (
    "Get Personal",
    "Make Boundaries Invisible",
    "Real Leaders, Happy Workers",
    "Focus on Outcomes",
)


def _main_workshop(session) -> Workshop:
    return session.exec(select(Workshop).where(Workshop.slug == "our-declaration")).one()


def _posts(session) -> list[Contribution]:
    workshop = _main_workshop(session)
    return list(session.exec(select(Contribution).where(Contribution.workshop_id == workshop.id)))


def test_visitor_finds_an_open_draft_with_a_preamble_and_the_four_foundations(demo):
    with demo.db.read() as session:
        workshop = _main_workshop(session)
        sections = list(
            session.exec(select(Section).where(Section.workshop_id == workshop.id).order_by(Section.position))
        )
    assert workshop.title == "Our Declaration: help shape health and care in London"
    assert effective_status(workshop) == WorkshopStatus.OPEN
    closes = workshop.closes_at.replace(tzinfo=workshop.closes_at.tzinfo or utcnow().tzinfo)
    assert timedelta(days=14) < closes - utcnow() < timedelta(days=28)
    assert len(workshop.intro.split()) > 100
    assert sections[0].title.startswith("Preamble")
    assert [s.title for s in sections[1:]] == list(FOUNDATIONS)
    assert all(s.body.startswith("We must") for s in sections[1:])


def test_an_earlier_listening_round_is_closed_with_a_few_ideas(demo):
    with demo.db.read() as session:
        earlier = session.exec(select(Workshop).where(Workshop.slug == "what-matters-to-you")).one()
        ideas = session.exec(select(Contribution).where(Contribution.workshop_id == earlier.id)).all()
    assert effective_status(earlier) == WorkshopStatus.CLOSED
    assert 5 <= len(ideas) <= 20


def test_participants_span_roles_professions_organisations_and_boroughs(demo):
    with demo.db.read() as session:
        people = list(session.exec(select(Participant)))
        organisations = list(session.exec(select(Organisation)))
    crowd = [p for p in people if p.access == Access.PARTICIPANT]
    assert len(crowd) == 40
    roles = Counter(p.role for p in crowd)
    assert set(roles) == set(CareRole)
    assert roles[CareRole.STAFF] == max(roles.values())
    assert len({p.borough for p in crowd}) >= 25
    assert len({p.profession for p in crowd if p.role == CareRole.STAFF}) >= 8
    assert 60 <= len(organisations) <= 120
    assert any("NHS Trust" in o.name for o in organisations)
    assert any("Carers" in o.name for o in organisations)
    assert all(p.email.endswith("@example.org") for p in people)
    assert all(p.has_profile for p in people)
    assert 0.6 < sum(p.consent_quote for p in crowd) / len(crowd) < 1


def test_lead_moderator_and_admin_accounts_are_ready_to_sign_in(demo):
    with demo.db.read() as session:
        staff = {
            p.email: p
            for p in session.exec(select(Participant).where(Participant.access != Access.PARTICIPANT))
        }
    assert staff["lead@example.org"].access == Access.LEAD
    assert staff["moderator@example.org"].access == Access.MODERATOR
    assert staff["admin@example.org"].access == Access.ADMIN
    assert all(p.has_profile and p.organisation_id for p in staff.values())


def test_posts_are_varied_like_real_people_write_not_templates(demo):
    with demo.db.read() as session:
        posts = _posts(session)
    texts = [p.text for p in posts]
    ideas = [p for p in posts if p.kind == ContributionKind.IDEA]
    assert len(posts) >= 250
    assert 0.35 <= len(ideas) / len(posts) <= 0.45
    assert len(set(texts)) / len(texts) > 0.85
    lengths = [len(t.split()) for t in texts]
    assert min(lengths) >= 3 and max(lengths) <= 135
    assert sum(n <= 12 for n in lengths) > 0.15 * len(texts)
    assert sum(n >= 40 for n in lengths) > 0.05 * len(texts)
    openings = {" ".join(t.lower().split()[:3]) for t in texts}
    assert len(openings) >= 120
    assert not any("lorem" in t.lower() or "ipsum" in t.lower() for t in texts)
    assert any(t == t.lower() for t in texts), "some people type all in lower case"
    assert any(t[-1].isalpha() for t in texts), "some people leave off the full stop"
    assert any(re.search(r"\b(my mum|my dad|my husband|my son|my daughter)\b", t, re.I) for t in texts)
    assert any(t.rstrip().endswith("?") for t in texts)
    assert any(re.search(r"\b(MDT|discharge to assess|single assessment)\b", t, re.I) for t in texts)


def test_comments_reply_to_ideas_in_the_same_part_of_the_draft(demo):
    with demo.db.read() as session:
        posts = {p.id: p for p in _posts(session)}
    comments = [p for p in posts.values() if p.kind == ContributionKind.COMMENT]
    assert comments
    for comment in comments:
        parent = posts[comment.parent_id]
        assert parent.kind == ContributionKind.IDEA
        assert parent.section_id == comment.section_id
        assert parent.created_at <= comment.created_at
