"""Workshops have a status and opening and closing times; people see the effective status."""

from datetime import timedelta

import pytest

from crowd.models import Workshop, WorkshopStatus
from crowd.models._base import utcnow
from crowd.services.errors import DomainError, ValidationFailed
from crowd.services.workshop import workshops

NOW = utcnow()
HOUR = timedelta(hours=1)


def shop(status, opens_at=None, closes_at=None) -> Workshop:
    return Workshop(slug="w", title="W", status=status, opens_at=opens_at, closes_at=closes_at)


@pytest.mark.parametrize(
    ("status", "opens_at", "closes_at", "seen"),
    [
        (WorkshopStatus.DRAFT, None, None, WorkshopStatus.DRAFT),
        (WorkshopStatus.DRAFT, NOW - HOUR, NOW + HOUR, WorkshopStatus.DRAFT),
        (WorkshopStatus.SCHEDULED, NOW + HOUR, None, WorkshopStatus.SCHEDULED),
        (WorkshopStatus.SCHEDULED, NOW - HOUR, None, WorkshopStatus.OPEN),
        (WorkshopStatus.SCHEDULED, NOW - 2 * HOUR, NOW - HOUR, WorkshopStatus.CLOSED),
        (WorkshopStatus.OPEN, None, None, WorkshopStatus.OPEN),
        (WorkshopStatus.OPEN, NOW + HOUR, None, WorkshopStatus.SCHEDULED),
        (WorkshopStatus.OPEN, NOW - HOUR, NOW - 1 * timedelta(minutes=1), WorkshopStatus.CLOSED),
        (WorkshopStatus.CLOSED, None, None, WorkshopStatus.CLOSED),
    ],
)
def test_effective_status_follows_opening_and_closing_times(status, opens_at, closes_at, seen):
    assert workshops.effective_status(shop(status, opens_at, closes_at), NOW) == seen


def test_writes_are_refused_with_a_clear_message_unless_open():
    workshops.require_open(shop(WorkshopStatus.OPEN))
    with pytest.raises(DomainError, match="has closed"):
        workshops.require_open(shop(WorkshopStatus.OPEN, closes_at=NOW - HOUR))
    with pytest.raises(DomainError, match="not open yet"):
        workshops.require_open(shop(WorkshopStatus.SCHEDULED, opens_at=NOW + HOUR))


def test_sections_come_back_in_their_set_order(db):
    with db.write() as session:
        form = workshops.WorkshopForm(title="Draft declaration", status="open")
        workshop = workshops.save_workshop(session, actor_id=None, form=form)
        for title in ("First", "Second", "Third"):
            workshops.save_section(session, actor_id=None, workshop_id=workshop.id, title=title, body="")
    with db.read() as session:
        assert [s.title for s in workshops.sections(session, workshop.id)] == ["First", "Second", "Third"]
        third = workshops.sections(session, workshop.id)[2]
    with db.write() as session:
        workshops.save_section(
            session,
            actor_id=None,
            workshop_id=workshop.id,
            title="Third",
            body="",
            position=0,
            section_id=third.id,
        )
    with db.read() as session:
        assert [s.title for s in workshops.sections(session, workshop.id)] == ["Third", "First", "Second"]


def test_a_workshop_that_closes_before_it_opens_is_refused(db):
    form = workshops.WorkshopForm(
        title="Backwards", opens_at="2026-12-01 10:00", closes_at="2026-11-30 10:00"
    )
    with pytest.raises(ValidationFailed) as failed, db.write() as session:
        workshops.save_workshop(session, actor_id=None, form=form)
    assert "closes_at" in failed.value.errors
    with db.read() as session:
        assert workshops.list_workshops(session, include_drafts=True) == []
