"""Foundations, their evidence and outcomes; declaration versions; sign-ups and self-assessments.

Foundations are the design group's working copies. A declaration version selects an ordered list of
them; publishing freezes the whole version as a JSON snapshot (`DeclarationVersion.snapshot`), which
is what the public pages, the benchmark and the exports read. Assessments point at an outcome of the
frozen snapshot by its key (`"<foundation slug>-o<n>"`), so later edits never change what was signed.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from crowd.models._base import utcnow
from crowd.models.people import OrganisationKind


class EvidenceKind(StrEnum):
    QUOTE = "quote"
    CASE_STUDY = "case_study"
    LITERATURE = "literature"

    @property
    def label(self) -> str:
        return {"quote": "Crowd quote", "case_study": "Case study", "literature": "Literature"}[self.value]


class OutcomeKind(StrEnum):
    AMBITION = "ambition"
    ACTION = "action"
    ACHIEVEMENT = "achievement"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class OutcomeUnit(StrEnum):
    PERCENTAGE = "percentage"
    COUNT = "count"
    RATE = "rate"
    YES_NO = "yes_no"
    SCALE = "scale"

    @property
    def label(self) -> str:
        return {
            "percentage": "Percentage (0 to 100)",
            "count": "Count (a whole number)",
            "rate": "Rate (a number, 0 or more)",
            "yes_no": "Yes or no",
            "scale": "Scale (1 to 5)",
        }[self.value]


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"

    @property
    def label(self) -> str:
        return f"{self.value.capitalize()} is better"


class DeclarationStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class AssessmentStatus(StrEnum):
    MET = "met"
    PARTLY = "partly"
    NOT_YET = "not_yet"

    @property
    def label(self) -> str:
        return {"met": "Met", "partly": "Partly met", "not_yet": "Not yet"}[self.value]


class Foundation(SQLModel, table=True):
    """A foundation being drafted; `version` rises on every save (optimistic locking)."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True, index=True)
    title: str = Field(max_length=200)
    statement: str = Field(default="")
    looks_like: str = Field(default="")
    how_to_achieve: str = Field(default="")
    position: int = 0
    version: int = 1
    # a machine draft (made from a run's candidate): the contributions it was drafted from and, per part,
    # the sentences with the ids they cite; both cleared when a person saves the foundation
    drafted_from: int = 0
    draft_citations: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_by: int | None = Field(default=None, foreign_key="participant.id")
    updated_by: int | None = Field(default=None, foreign_key="participant.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Evidence(SQLModel, table=True):
    """A pinned crowd quote (contribution_id), a case study (title, text, url) or literature (citation)."""

    id: int | None = Field(default=None, primary_key=True)
    foundation_id: int = Field(foreign_key="foundation.id", index=True)
    kind: EvidenceKind
    position: int = 0
    contribution_id: int | None = Field(default=None, foreign_key="contribution.id", index=True)
    title: str = Field(default="", max_length=300)
    text: str = Field(default="")
    citation: str = Field(default="", max_length=500)
    url: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)


class Outcome(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    foundation_id: int = Field(foreign_key="foundation.id", index=True)
    position: int = 0
    kind: OutcomeKind = Field(default=OutcomeKind.ACHIEVEMENT)
    name: str = Field(max_length=200)
    definition: str = Field(default="")
    unit: OutcomeUnit
    direction: Direction = Field(default=Direction.HIGHER)
    baseline: float | None = None
    target: float | None = None
    period: str = Field(default="", max_length=60)
    data_source: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow)


class DeclarationVersion(SQLModel, table=True):
    """A draft (number None) or a published, frozen version (number 1, 2, ...)."""

    id: int | None = Field(default=None, primary_key=True)
    number: int | None = Field(default=None, unique=True, index=True)
    status: DeclarationStatus = Field(default=DeclarationStatus.DRAFT, index=True)
    title: str = Field(default="Our Declaration", max_length=200)
    preamble: str = Field(default="")
    change_note: str = Field(default="", max_length=2000)
    based_on: int | None = Field(default=None, foreign_key="declarationversion.id")
    snapshot: dict | None = Field(default=None, sa_column=Column(JSON))
    feedback_workshop_id: int | None = Field(default=None, foreign_key="workshop.id")
    created_by: int | None = Field(default=None, foreign_key="participant.id")
    published_by: int | None = Field(default=None, foreign_key="participant.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    published_at: datetime | None = None


class DeclarationItem(SQLModel, table=True):
    """A foundation chosen for a draft, in order."""

    __table_args__ = (UniqueConstraint("declaration_id", "foundation_id", name="uq_declaration_item"),)

    id: int | None = Field(default=None, primary_key=True)
    declaration_id: int = Field(foreign_key="declarationversion.id", index=True)
    foundation_id: int = Field(foreign_key="foundation.id", index=True)
    position: int = 0


class DeclarationSupport(SQLModel, table=True):
    """'Do you support this declaration?': one current answer per visitor (participant or session)."""

    __table_args__ = (UniqueConstraint("declaration_id", "visitor", name="uq_declaration_support"),)

    id: int | None = Field(default=None, primary_key=True)
    declaration_id: int = Field(foreign_key="declarationversion.id", index=True)
    visitor: str = Field(max_length=80)  # "p:<participant id>" or "s:<random session key>"
    participant_id: int | None = Field(default=None, foreign_key="participant.id")
    choice: str = Field(max_length=20)  # a PollChoice value
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Signatory(SQLModel, table=True):
    """An organisation that signed up to one published version."""

    __table_args__ = (UniqueConstraint("declaration_id", "organisation_id", name="uq_signatory_once"),)

    id: int | None = Field(default=None, primary_key=True)
    declaration_id: int = Field(foreign_key="declarationversion.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    organisation_name: str = Field(max_length=200)
    kind: OrganisationKind
    borough: str = Field(max_length=60)
    signer_name: str = Field(max_length=120)
    signer_role: str = Field(max_length=120)
    participant_id: int | None = Field(default=None, foreign_key="participant.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    # A claim to sign for an organisation that already existed waits for a lead (or an email domain match).
    approved_at: datetime | None = None
    approved_by: int | None = Field(default=None, foreign_key="participant.id")


class Assessment(SQLModel, table=True):
    """A signatory's self-assessment of one frozen outcome for one period; re-recording updates it."""

    __table_args__ = (UniqueConstraint("signatory_id", "outcome_key", "period", name="uq_assessment_once"),)

    id: int | None = Field(default=None, primary_key=True)
    signatory_id: int = Field(foreign_key="signatory.id", index=True)
    outcome_key: str = Field(max_length=100)
    period: str = Field(max_length=40)
    value: float | None = None
    status: AssessmentStatus | None = None
    evidence: str = Field(default="")
    recorded_by: int | None = Field(default=None, foreign_key="participant.id")
    recorded_at: datetime = Field(default_factory=utcnow)
