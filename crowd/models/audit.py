"""The audit log: who did what, when, to which object, with before and after."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from crowd.models._base import utcnow


class AuditEntry(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = Field(default=None, foreign_key="participant.id", index=True)
    action: str = Field(max_length=60, index=True)
    target_type: str = Field(max_length=40, index=True)
    target_id: int | None = Field(default=None, index=True)
    before: dict | None = Field(default=None, sa_column=Column(JSON))
    after: dict | None = Field(default=None, sa_column=Column(JSON))
    note: str = Field(default="", max_length=500)
