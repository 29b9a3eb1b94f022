"""Theme runs (immutable snapshots of one pipeline execution) and curated themes (which survive re-runs).

Two families, kept apart as Polis keeps analysis apart from participation:

- ``ThemeRun`` -> ``RunTheme`` / ``CandidateFoundation``: what one run of the pipeline found, with its
  parameters, model name, timings and counts. Written once when the run finishes and never edited.
- ``Theme`` -> ``ThemeMember``: the design group's themes. A successful run is *aligned* to them: matched
  themes keep their id, curated label and decisions; unmatched clusters become new themes. Moderator
  memberships (``source=moderator``) are sticky: no run overwrites them.

``ContributionEmbedding`` holds one vector per contribution (embedded when it arrives), so a run finds
vectors ready and only new texts are embedded.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import numpy as np
from sqlalchemy import JSON, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from crowd.models._base import utcnow


class RunState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    NOT_ENOUGH = "not_enough"  # finished cleanly, but too few contributions to find themes

    @property
    def finished(self) -> bool:
        return self in {RunState.SUCCEEDED, RunState.FAILED, RunState.NOT_ENOUGH}

    @property
    def label(self) -> str:
        return {"not_enough": "Not enough contributions"}.get(self.value, self.value.capitalize())


class ThemeStatus(StrEnum):
    ACTIVE = "active"
    OUT_OF_SCOPE = "out_of_scope"
    MERGED = "merged"  # merged into another theme (``merged_into_id``); kept for provenance
    SPLIT = "split"  # split into other themes (see their provenance); kept for provenance

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class MemberRank(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"  # soft membership: the contribution also touches this theme
    EXCLUDED = "excluded"  # a moderator took it out of this theme: no run puts it back here


class MemberSource(StrEnum):
    PIPELINE = "pipeline"  # placed by a theme run; replaced by the next run
    MODERATOR = "moderator"  # placed (or pinned, or excluded) by a moderator; sticky across runs
    ASSIGNED = "assigned"  # a contribution that arrived after the run, put into its nearest theme


class ThemeRun(SQLModel, table=True):
    """One pipeline execution for one workshop. Progress fields change while it runs; nothing after."""

    __tablename__ = "theme_run"

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    status: RunState = Field(default=RunState.QUEUED, index=True)
    progress: int = 0  # 0-100
    step: str = Field(default="Waiting for the worker", max_length=120)
    requested_by_id: int | None = Field(default=None, foreign_key="participant.id")
    created_at: datetime = Field(default_factory=utcnow, index=True)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    heartbeat_at: datetime | None = None  # a running run whose worker stops beating is marked failed
    worker: str = Field(default="", max_length=120)  # host:pid of the worker that ran it
    params: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    model_name: str = Field(default="", max_length=120)
    timings: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # contributions, themes, noise (unthemed), skipped, matched, new, not_found, foundations
    counts: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    unthemed_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    message: str = Field(default="", max_length=500)
    error: str = Field(default="")

    @property
    def finished(self) -> bool:
        return RunState(self.status).finished


class RunTheme(SQLModel, table=True):
    """One cluster of one run, as the pipeline found it (immutable)."""

    __tablename__ = "run_theme"
    __table_args__ = (UniqueConstraint("run_id", "cluster", name="uq_run_theme_cluster"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="theme_run.id", index=True)
    cluster: int  # the pipeline's label (0 = largest)
    label: str = Field(max_length=200)
    keywords: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    size: int = 0
    member_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    secondary_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    representative_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    centroid: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    description: str = Field(default="")  # drafted by the run from its members' sentences
    name_options: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    theme_id: int | None = Field(default=None, foreign_key="theme.id", index=True)  # curated theme it became
    match_score: float | None = None  # alignment score when it matched an existing theme


class Theme(SQLModel, table=True):
    """A curated theme with an identity that survives re-runs."""

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    label: str = Field(max_length=200)
    description: str = Field(default="")
    keywords: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: ThemeStatus = Field(default=ThemeStatus.ACTIVE, index=True)
    reviewed: bool = False
    is_new: bool = False  # created by the latest run and not yet reviewed
    curated: bool = False  # a moderator edited the label: runs never overwrite it
    merged_into_id: int | None = Field(default=None, foreign_key="theme.id")
    created_in_run_id: int | None = Field(default=None, foreign_key="theme_run.id")
    last_run_id: int | None = Field(
        default=None, foreign_key="theme_run.id", index=True
    )  # last run that found it
    centroid: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    representative_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # other names the latest run considered, and per sentence of a drafted description the ids of the
    # contributions it came from (empty once a moderator wrote the description)
    name_options: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    description_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # [{"action": "created" | "matched" | "not_found" | "renamed" | "merged" | "split" | ...,
    #   "run_id": int | None, "from_theme_ids": [int], "at": iso time, ...}]
    provenance: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    version: int = 1  # optimistic lock: bump on every edit, refuse an edit made against an older version
    size: int = 0  # primary members, denormalised for the board
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ThemeMember(SQLModel, table=True):
    """A contribution in a theme (primary or secondary), or a moderator's sticky exclusion from it."""

    __tablename__ = "theme_member"
    __table_args__ = (UniqueConstraint("theme_id", "contribution_id", name="uq_theme_member"),)

    id: int | None = Field(default=None, primary_key=True)
    theme_id: int = Field(foreign_key="theme.id", index=True)
    contribution_id: int = Field(foreign_key="contribution.id", index=True)
    rank: MemberRank = Field(default=MemberRank.PRIMARY)
    score: float | None = None  # cosine similarity to the theme centroid
    source: MemberSource = Field(default=MemberSource.PIPELINE, index=True)
    pinned: bool = False  # a moderator pinned it as a quote (evidence); sticky
    run_id: int | None = Field(default=None, foreign_key="theme_run.id")  # the run that placed it
    created_at: datetime = Field(default_factory=utcnow)


class CandidateFoundation(SQLModel, table=True):
    """A draft foundation proposed by one run (immutable): a group of its themes."""

    __tablename__ = "candidate_foundation"

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="theme_run.id", index=True)
    position: int = 0
    title: str = Field(max_length=300)
    statement: str = Field(default="")
    theme_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # curated Theme ids
    run_theme_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    quote_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    looks_like: str = Field(default="")
    how_to_achieve: str = Field(default="")
    # {"statement" | "looks_like" | "how_to_achieve": [{"text": sentence, "ids": [contribution ids]}]}
    citations: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    contribution_count: int = 0  # primary members of its themes when the run drafted it


class ContributionEmbedding(SQLModel, table=True):
    """One contribution's vector (float32, normalised), keyed by model and the hash of the embedded text."""

    __tablename__ = "contribution_embedding"

    id: int | None = Field(default=None, primary_key=True)
    contribution_id: int = Field(foreign_key="contribution.id", unique=True, index=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    model_name: str = Field(max_length=120, index=True)
    text_hash: str = Field(max_length=64, index=True)
    vector: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


def pack_vector(vector: np.ndarray | list[float]) -> bytes:
    """float32 bytes of a vector, for ``centroid`` and ``vector`` columns."""
    return np.asarray(vector, dtype=np.float32).tobytes()


def unpack_vector(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.float32)
