"""Imported batches of focus-group and literature notes, and live events with their questions and answers."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from crowd.models._base import utcnow


class ImportStatus(StrEnum):
    PREVIEW = "preview"
    IMPORTED = "imported"
    UNDONE = "undone"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ImportBatch(SQLModel, table=True):
    """One uploaded file: parsed into rows at preview, stored as contributions on confirm, undone as a whole.

    `imported_sha256` is set only while the batch is imported, so the unique constraint lets a file be
    imported once per workshop (and again after an undo), even when two leads confirm at the same moment.
    """

    __table_args__ = (UniqueConstraint("workshop_id", "imported_sha256", name="uq_import_once"),)

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    filename: str = Field(max_length=200)
    sha256: str = Field(max_length=64, index=True)
    imported_sha256: str | None = Field(default=None, max_length=64)
    file_format: str = Field(max_length=10)
    encoding: str = Field(default="", max_length=40)
    default_stream: str | None = Field(default=None, max_length=20)
    status: ImportStatus = Field(default=ImportStatus.PREVIEW, index=True)
    rows: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    problems: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    note_count: int = 0
    created_by: int | None = Field(default=None, foreign_key="participant.id")
    created_at: datetime = Field(default_factory=utcnow)
    imported_at: datetime | None = None
    undone_at: datetime | None = None


class QuestionKind(StrEnum):
    CHOICE = "choice"
    WORD_CLOUD = "word_cloud"
    OPEN_TEXT = "open_text"

    @property
    def label(self) -> str:
        return {"choice": "Multiple choice", "word_cloud": "Word cloud", "open_text": "Open text"}[self.value]


class QuestionStatus(StrEnum):
    READY = "ready"
    OPEN = "open"
    CLOSED = "closed"


class LiveEvent(SQLModel, table=True):
    """A network event whose attendees answer questions on their phones; answers feed one workshop."""

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    title: str = Field(max_length=200)
    code: str = Field(max_length=12, unique=True, index=True)
    created_by: int | None = Field(default=None, foreign_key="participant.id")
    created_at: datetime = Field(default_factory=utcnow)


class LiveQuestion(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="liveevent.id", index=True)
    position: int = 0
    kind: QuestionKind
    prompt: str = Field(max_length=300)
    options: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: QuestionStatus = Field(default=QuestionStatus.READY, index=True)
    opened_at: datetime | None = None
    closed_at: datetime | None = None


class LiveAnswer(SQLModel, table=True):
    """One current answer per device per question; changing it updates the row (and its contribution)."""

    __table_args__ = (UniqueConstraint("question_id", "device", name="uq_live_answer_once"),)

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="livequestion.id", index=True)
    device: str = Field(max_length=64)
    option: int | None = None
    text: str | None = Field(default=None)
    contribution_id: int | None = Field(default=None, foreign_key="contribution.id")
    changes: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
