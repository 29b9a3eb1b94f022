"""Participants first (issue 17): "you said, we did" mail, safeguarding, equality monitoring, Easy Read.

Equality monitoring answers live in their own table, apart from the profile and from contributions: they
are read only in aggregate (with small-cell suppression), except by the person who gave them.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from crowd.models._base import utcnow


class VersionSubscription(SQLModel, table=True):
    """A participant's opt-in to one email when a new version of a declaration they shaped is published.
    `nonce` is in the unsubscribe link; unsubscribing changes it, so a link works once."""

    __tablename__ = "version_subscription"

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", unique=True, index=True)
    active: bool = True
    nonce: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class VersionMail(SQLModel, table=True):
    """One mail per subscriber per published version: queued on publish, sent by the worker in batches."""

    __tablename__ = "version_mail"
    __table_args__ = (UniqueConstraint("declaration_id", "participant_id", name="uq_version_mail_once"),)

    id: int | None = Field(default=None, primary_key=True)
    declaration_id: int = Field(foreign_key="declarationversion.id", index=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    queued_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = Field(default=None, index=True)
    outbox_id: int | None = Field(default=None, foreign_key="outboxmessage.id")


class SafeguardingStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class SafeguardingRole(SQLModel, table=True):
    """Someone who may see and act on the safeguarding queue (given by an admin), apart from Access."""

    __tablename__ = "safeguarding_role"

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", unique=True, index=True)
    granted_by: int | None = Field(default=None, foreign_key="participant.id")
    granted_at: datetime = Field(default_factory=utcnow)


class SafeguardingCase(SQLModel, table=True):
    """A contribution escalated because someone may be at risk; never hidden automatically."""

    __tablename__ = "safeguarding_case"

    id: int | None = Field(default=None, primary_key=True)
    contribution_id: int = Field(foreign_key="contribution.id", unique=True, index=True)
    source: str = Field(max_length=20)  # "flag" (a participant) or "moderator"
    raised_by: int | None = Field(default=None, foreign_key="participant.id")
    reason: str = Field(default="", max_length=500)
    status: SafeguardingStatus = Field(default=SafeguardingStatus.OPEN, index=True)
    checklist: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    author_notified_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None
    closed_by: int | None = Field(default=None, foreign_key="participant.id")


class SafeguardingNote(SQLModel, table=True):
    """Who looked at a case, when, and what they did (with the checklist as it then stood)."""

    __tablename__ = "safeguarding_note"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="safeguarding_case.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="participant.id")
    at: datetime = Field(default_factory=utcnow)
    action: str = Field(default="")
    checklist: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class MonitoringAnswer(SQLModel, table=True):
    """One person's voluntary equality monitoring answers (each None = not answered)."""

    __tablename__ = "monitoring_answer"

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", unique=True, index=True)
    age_band: str | None = Field(default=None, max_length=80)
    sex: str | None = Field(default=None, max_length=80)
    gender_identity: str | None = Field(default=None, max_length=80)
    ethnic_group: str | None = Field(default=None, max_length=80)
    disability: str | None = Field(default=None, max_length=80)
    religion: str | None = Field(default=None, max_length=80)
    sexual_orientation: str | None = Field(default=None, max_length=80)
    updated_at: datetime = Field(default_factory=utcnow)


class ReferenceShare(SQLModel, table=True):
    """A lead's reference share for one monitoring group (e.g. the borough's census figure), 0 to 1."""

    __tablename__ = "reference_share"
    __table_args__ = (UniqueConstraint("category", "group", name="uq_reference_share"),)

    id: int | None = Field(default=None, primary_key=True)
    category: str = Field(max_length=40)
    group: str = Field(max_length=80)
    share: float
    source: str = Field(default="", max_length=200)
    created_by: int | None = Field(default=None, foreign_key="participant.id")
    created_at: datetime = Field(default_factory=utcnow)


class EasyRead(SQLModel, table=True):
    """The Easy Read text of a section, a draft's preamble or a foundation: short points, each with an
    optional picture (one of static/easyread/) and its alt text."""

    __tablename__ = "easy_read"
    __table_args__ = (UniqueConstraint("target_type", "target_id", name="uq_easy_read_target"),)

    id: int | None = Field(default=None, primary_key=True)
    target_type: str = Field(max_length=20)  # "section" | "preamble" (declaration id) | "foundation"
    target_id: int
    points: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    updated_by: int | None = Field(default=None, foreign_key="participant.id")
    updated_at: datetime = Field(default_factory=utcnow)
