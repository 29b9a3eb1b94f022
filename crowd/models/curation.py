"""The design group's curation records: themes grouped under foundations, and an undo log.

``CurationAction`` keeps, for every curation action, the before-state of the themes it touched (their
fields and every member row) and what it created (themes, evidence, links), so the latest action on a
theme can be reverted exactly. Undoing marks the action ``undone_at``; nothing is deleted from the log.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from crowd.models._base import utcnow
from crowd.models.themes import ThemeMember
from crowd.models.workshop import Vote


class FoundationTheme(SQLModel, table=True):
    """A curated theme grouped under a foundation (many to many)."""

    __tablename__ = "foundation_theme"
    __table_args__ = (UniqueConstraint("foundation_id", "theme_id", name="uq_foundation_theme"),)

    id: int | None = Field(default=None, primary_key=True)
    foundation_id: int = Field(foreign_key="foundation.id", index=True)
    theme_id: int = Field(foreign_key="theme.id", index=True)
    created_by: int | None = Field(default=None, foreign_key="participant.id")
    created_at: datetime = Field(default_factory=utcnow)


class CurationAction(SQLModel, table=True):
    """One curation action with enough before-state to revert it."""

    __tablename__ = "curation_action"

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="participant.id")
    action: str = Field(max_length=40)
    summary: str = Field(default="", max_length=300)
    theme_ids: list = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )  # every theme touched
    # {"themes": [theme fields], "members": [member rows]} of the touched themes, before the action
    before: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # {"theme_ids": [...], "evidence_ids": [...], "link_ids": [...]} made by the action
    created: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    audit_id: int | None = Field(default=None, foreign_key="auditentry.id")
    at: datetime = Field(default_factory=utcnow, index=True)
    undone_at: datetime | None = None
    undone_by: int | None = Field(default=None, foreign_key="participant.id")


# the board and the theme pages group members and votes per theme: composite indexes keep those joins fast
# (SQLModel sets __table__ on table classes when they are defined; its types do not declare it)
THEME_MEMBERS, VOTES = ThemeMember.__table__, Vote.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ on table classes at runtime; its types do not declare it
Index("ix_theme_member_theme_rank", THEME_MEMBERS.c.theme_id, THEME_MEMBERS.c.rank)
Index("ix_vote_contribution_choice", VOTES.c.contribution_id, VOTES.c.choice, VOTES.c.participant_id)
