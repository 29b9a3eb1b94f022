"""Opinion analysis runs: immutable snapshots of one Pol.is-style analysis of a workshop's votes.

A run is written when it starts (status ``running``) and once more when it finishes; after that it is
never edited. ``result`` holds ``opinions.OpinionResult.to_dict()``, which the map page reads and the
next run takes as ``previous=`` so group ids stay stable. The web app never clusters inside a page view.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from crowd.models._base import utcnow


class OpinionRunStatus(StrEnum):
    RUNNING = "running"
    OK = "ok"
    NOT_ENOUGH_VOTES = "not_enough_votes"  # finished cleanly; too few votes to form groups
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self != OpinionRunStatus.RUNNING

    @property
    def label(self) -> str:
        return {
            "running": "Running",
            "ok": "Groups found",
            "not_enough_votes": "Not enough votes",
            "failed": "Failed",
        }[self.value]


class OpinionRun(SQLModel, table=True):
    """One opinion analysis of one workshop's votes, with its parameters, timings and counts."""

    __tablename__ = "opinion_run"

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    status: OpinionRunStatus = Field(default=OpinionRunStatus.RUNNING, index=True)
    message: str = Field(default="", max_length=500)
    params: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    timings: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # participants, participants_clustered, statements, votes, groups
    counts: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    result: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # per statement: group agree / disagree / seen counts, importance marks, extremity (map and routing)
    statements: dict = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}")
    )
    previous_run_id: int | None = Field(default=None, foreign_key="opinion_run.id")
    created_by: int | None = Field(default=None, foreign_key="participant.id")
    started_at: datetime = Field(default_factory=utcnow, index=True)
    finished_at: datetime | None = None

    @property
    def finished(self) -> bool:
        return OpinionRunStatus(self.status).finished
