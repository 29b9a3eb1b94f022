"""Workshops and their ordered sections."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from sqlmodel import Session, col, select

from crowd.models import Section, Workshop, WorkshopStatus
from crowd.models._base import LONDON, utcnow
from crowd.services import audit
from crowd.services.errors import DomainError, NotFound, ValidationFailed


@dataclass
class WorkshopForm:
    title: str = ""
    slug: str = ""
    intro: str = ""
    status: str = WorkshopStatus.DRAFT.value
    opens_at: str = ""
    closes_at: str = ""
    poll_question: str = "Do you support the draft?"


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "workshop"


def _parse_when(raw: str, field: str, errors: dict[str, str]) -> datetime | None:
    if not raw.strip():
        return None
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        errors[field] = "Enter a date and time like 2026-11-30 09:00"
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=LONDON)
    return value.astimezone(UTC)


def save_workshop(
    session: Session, *, actor_id: int | None, form: WorkshopForm, workshop_id: int | None = None
) -> Workshop:
    errors: dict[str, str] = {}
    title = form.title.strip()
    if not title:
        errors["title"] = "Enter a title"
    elif len(title) > 200:
        errors["title"] = "Title must be 200 characters or fewer"
    if form.status not in {s.value for s in WorkshopStatus}:
        errors["status"] = "Select a status"
    opens_at = _parse_when(form.opens_at, "opens_at", errors)
    closes_at = _parse_when(form.closes_at, "closes_at", errors)
    if opens_at and closes_at and closes_at <= opens_at:
        errors["closes_at"] = "The closing time must be after the opening time"
    if len(form.intro) > 20000:
        errors["intro"] = "The draft text must be 20,000 characters or fewer"
    slug = slugify(form.slug or title)
    clash = session.exec(select(Workshop).where(Workshop.slug == slug)).first()
    if clash and clash.id != workshop_id:
        errors["slug"] = "Another workshop already uses this web address"
    if errors:
        raise ValidationFailed(errors)
    workshop = session.get(Workshop, workshop_id) if workshop_id else Workshop(slug=slug, title=title)
    if workshop is None:
        raise NotFound("No such workshop")
    before = workshop.model_dump(mode="json") if workshop_id else None
    workshop.slug, workshop.title, workshop.intro = slug, title, form.intro.strip()
    workshop.status = WorkshopStatus(form.status)
    workshop.opens_at, workshop.closes_at = opens_at, closes_at
    workshop.poll_question = form.poll_question.strip()[:200] or "Do you support the draft?"
    audit.record_saved(
        session,
        workshop,
        actor_id=actor_id,
        action="edit_workshop" if workshop_id else "create_workshop",
        target_type="workshop",
        before=before,
    )
    return workshop


class Timetable(Protocol):
    """What decides whether a workshop takes writes: a Workshop, or a row with these three columns."""

    status: WorkshopStatus
    opens_at: datetime | None
    closes_at: datetime | None


def effective_status(workshop: Timetable, now: datetime | None = None) -> WorkshopStatus:
    """The status people see: a scheduled workshop opens at opens_at; any workshop closes at closes_at."""
    now = now or utcnow()
    status = workshop.status
    if status == WorkshopStatus.DRAFT:
        return status
    if workshop.closes_at and now >= workshop.closes_at:
        return WorkshopStatus.CLOSED
    if status == WorkshopStatus.SCHEDULED and workshop.opens_at and now >= workshop.opens_at:
        return WorkshopStatus.OPEN
    if status == WorkshopStatus.OPEN and workshop.opens_at and now < workshop.opens_at:
        return WorkshopStatus.SCHEDULED
    return status


def require_open(workshop: Timetable) -> None:
    status = effective_status(workshop)
    if status == WorkshopStatus.OPEN:
        return
    if status == WorkshopStatus.CLOSED:
        raise DomainError("This workshop has closed: you can read it, but no longer post, comment or vote.")
    raise DomainError("This workshop is not open yet: you can read the draft, but not post, comment or vote.")


NO_WORKSHOP = "That workshop does not exist."


def workshop_by_id(session: Session, workshop_id: int) -> Workshop:
    """The workshop with this number, drafts included (the design group's pages address workshops by
    number); NotFound, always with the same message, when there is none."""
    workshop = session.get(Workshop, workshop_id)
    if workshop is None:
        raise NotFound(NO_WORKSHOP)
    return workshop


def choices(session: Session) -> list[tuple[int, str]]:
    """(number, title) of every workshop, by title: the options of a "which workshop" list."""
    return [(w.id, w.title) for w in session.exec(select(Workshop).order_by(col(Workshop.title)))]


def get_workshop(session: Session, slug: str, *, include_drafts: bool = False) -> Workshop:
    workshop = session.exec(select(Workshop).where(Workshop.slug == slug)).first()
    if workshop is None:
        raise NotFound("There is no workshop at this address.")
    return check_visible(workshop, include_drafts=include_drafts)


def check_visible(workshop: Workshop, *, include_drafts: bool = False) -> Workshop:
    """The workshop, or NotFound when it is a draft and drafts are not to be shown."""
    if workshop.status == WorkshopStatus.DRAFT and not include_drafts:
        raise NotFound("There is no workshop at this address.")
    return workshop


def list_workshops(session: Session, *, include_drafts: bool = False) -> list[Workshop]:
    query = select(Workshop).order_by(col(Workshop.created_at).desc())
    if not include_drafts:
        query = query.where(Workshop.status != WorkshopStatus.DRAFT)
    return list(session.exec(query))


def sections(session: Session, workshop_id: int) -> list[Section]:
    query = select(Section).where(Section.workshop_id == workshop_id).order_by(Section.position, Section.id)
    return list(session.exec(query))


def save_section(
    session: Session,
    *,
    actor_id: int | None,
    workshop_id: int,
    title: str,
    body: str,
    position: int | None = None,
    section_id: int | None = None,
) -> Section:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Enter a section title"
    elif len(title.strip()) > 200:
        errors["title"] = "Section title must be 200 characters or fewer"
    if len(body) > 20000:
        errors["body"] = "Section text must be 20,000 characters or fewer"
    if errors:
        raise ValidationFailed(errors)
    if section_id:
        section = session.get(Section, section_id)
        if section is None or section.workshop_id != workshop_id:
            raise NotFound("No such section")
    else:
        existing = sections(session, workshop_id)
        section = Section(workshop_id=workshop_id, title="", position=len(existing) + 1)
    section.title, section.body = title.strip(), body.strip()
    if position is not None:
        section.position = position
    session.add(section)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="edit_section" if section_id else "create_section",
        target_type="section",
        target_id=section.id,
        after={"title": section.title, "position": section.position},
    )
    return section


def slug_of(session: Session, workshop_id: int) -> str:
    return workshop_by_id(session, workshop_id).slug
