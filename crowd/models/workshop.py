"""Workshops, sections, contributions, votes, flags and the straw poll."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint, false
from sqlmodel import Field, SQLModel

from crowd.models._base import utcnow


class WorkshopStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"


class Stream(StrEnum):
    ONLINE = "online"
    FOCUS_GROUP = "focus_group"
    LITERATURE = "literature"
    EVENT = "event"
    PAPER = "paper"  # paper forms and phone calls, typed in by a lead or moderator

    @property
    def label(self) -> str:
        return {"paper": "Paper or phone"}.get(self.value, self.value.replace("_", " ").capitalize())


class ContributionKind(StrEnum):
    IDEA = "idea"
    COMMENT = "comment"
    NOTE = "note"


class ContributionStatus(StrEnum):
    VISIBLE = "visible"
    FLAGGED = "flagged"
    HIDDEN = "hidden"


class VoteChoice(StrEnum):
    AGREE = "agree"
    DISAGREE = "disagree"
    PASS = "pass"  # noqa: S105 - a vote, not a password


class PollChoice(StrEnum):
    COMPLETELY = "completely"
    MOSTLY = "mostly"
    PARTLY = "partly"
    NOT_AT_ALL = "not_at_all"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Workshop(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True, index=True)
    title: str = Field(max_length=200)
    intro: str = Field(default="")
    status: WorkshopStatus = Field(default=WorkshopStatus.DRAFT)
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    poll_question: str = Field(default="Do you support the draft?", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)


class Section(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    position: int = 0
    title: str = Field(max_length=200)
    body: str = Field(default="")


class Contribution(SQLModel, table=True):
    """An idea, a comment on an idea, or an imported note; one table for every stream."""

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    section_id: int | None = Field(default=None, foreign_key="section.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="contribution.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="participant.id", index=True)
    kind: ContributionKind = Field(default=ContributionKind.IDEA)
    stream: Stream = Field(default=Stream.ONLINE, index=True)
    status: ContributionStatus = Field(default=ContributionStatus.VISIBLE, index=True)
    text: str
    masked: str = Field(default="", max_length=200)
    agree_count: int = 0
    disagree_count: int = 0
    pass_count: int = 0
    comment_count: int = 0
    flag_count: int = 0
    support: float = Field(default=0.0, index=True)
    moderated_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow, index=True)
    updated_at: datetime = Field(default_factory=utcnow)
    withdrawn_at: datetime | None = None
    source_ref: str | None = Field(default=None, max_length=300)
    source_date: datetime | None = None
    source_role: str | None = Field(default=None, max_length=40)
    source_borough: str | None = Field(default=None, max_length=60)
    batch_id: int | None = Field(default=None, index=True)

    @property
    def masked_kinds(self) -> list[str]:
        return [k for k in self.masked.split(",") if k]

    @property
    def votes_total(self) -> int:
        return self.agree_count + self.disagree_count + self.pass_count


class Vote(SQLModel, table=True):
    """One current vote per participant per contribution; changing it updates the row."""

    __table_args__ = (UniqueConstraint("participant_id", "contribution_id", name="uq_vote_once"),)

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    contribution_id: int = Field(foreign_key="contribution.id", index=True)
    choice: VoteChoice
    important: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    """'This is important to me', marked in the one-at-a-time view; kept when the vote changes."""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Flag(SQLModel, table=True):
    """A participant's report that a contribution needs a moderator's look."""

    __table_args__ = (UniqueConstraint("participant_id", "contribution_id", name="uq_flag_once"),)

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    contribution_id: int = Field(foreign_key="contribution.id", index=True)
    reason: str = Field(max_length=500)
    created_at: datetime = Field(default_factory=utcnow)


class PollAnswer(SQLModel, table=True):
    """A participant's straw-poll answer on a workshop's draft; one per person, changeable."""

    __table_args__ = (UniqueConstraint("participant_id", "workshop_id", name="uq_poll_once"),)

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    choice: PollChoice
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
