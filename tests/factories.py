"""Builders for tests: one per concept, each going through the service a person's action would use, so
what a test sets up passes the same rules (validation, masking, counts, audit) as the real thing.

    workshop, sections = make_workshop(db)
    ann = make_participant(db, "ann@example.org", role=CareRole.CARER)
    idea = post_idea(db, workshop, sections[0], ann, "More evening appointments")
    cast_vote(db, ann, idea, VoteChoice.AGREE)
"""

from __future__ import annotations

from crowd.db import Database
from crowd.models import Access, CareRole, Participant, Section, VoteChoice, Workshop, WorkshopStatus
from crowd.services.people import participants
from crowd.services.workshop import contributions, votes, workshops

SECTIONS = ("Get Personal", "Make Boundaries Invisible", "Focus on Outcomes")


def make_workshop(
    db: Database,
    *,
    title: str = "Our Declaration: the draft",
    status: WorkshopStatus = WorkshopStatus.OPEN,
    sections: tuple[str, ...] = SECTIONS,
) -> tuple[Workshop, list[Section]]:
    """A workshop with its sections, as a lead makes it on /manage/workshops."""
    with db.write() as session:
        form = workshops.WorkshopForm(title=title, intro="Read the draft and tell us what you think.")
        form.status = status.value
        workshop = workshops.save_workshop(session, actor_id=None, form=form)
        made = [
            workshops.save_section(
                session, actor_id=None, workshop_id=workshop.id, title=t, body=f"We must {t}."
            )
            for t in sections
        ]
    return workshop, made


def make_participant(
    db: Database,
    email: str,
    *,
    name: str | None = None,
    role: CareRole = CareRole.SERVICE_USER,
    borough: str = "Hackney",
    access: Access = Access.PARTICIPANT,
    consent_quote: bool = False,
) -> Participant:
    """A person with a complete profile (privacy notice accepted), as after sign-up and the profile page."""
    with db.write() as session:
        person = participants.set_access(session, actor_id=None, email=email, access=access)
        form = participants.ProfileForm(
            display_name=name if name is not None else email.split("@")[0].replace(".", " ").title(),
            role=role.value,
            borough=borough,
            consent_privacy=True,
            consent_quote=consent_quote,
        )
        return participants.save_profile(session, participant_id=person.id, form=form)


def post_idea(db: Database, workshop: Workshop, section: Section, author: Participant, text: str) -> int:
    """An idea posted on a section (checked and masked as any post is); its number."""
    with db.write() as session:
        posted = contributions.post_idea(
            session, workshop=workshop, section_id=section.id, author=author, text=text
        )
        return posted.contribution.id


def post_comment(db: Database, workshop: Workshop, idea_id: int, author: Participant, text: str) -> int:
    """A comment on an idea; its number."""
    with db.write() as session:
        posted = contributions.post_comment(
            session, workshop=workshop, parent_id=idea_id, author=author, text=text
        )
        return posted.contribution.id


def cast_vote(db: Database, voter: Participant, contribution_id: int, choice: VoteChoice) -> None:
    """A vote (or a changed vote) on an idea or comment."""
    with db.write() as session:
        votes.cast_vote(session, participant_id=voter.id, contribution_id=contribution_id, choice=choice)
