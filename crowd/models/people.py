"""Participants, organisations, sign-in tokens and the mail outbox."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from crowd.models._base import utcnow


class Access(StrEnum):
    """What an account may do; each level includes the ones before it."""

    PARTICIPANT = "participant"
    MODERATOR = "moderator"
    LEAD = "lead"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Access).index(self)

    def allows(self, needed: Access) -> bool:
        return self.rank >= needed.rank


class CareRole(StrEnum):
    """How a participant takes part in care."""

    STAFF = "staff"
    SERVICE_USER = "service_user"
    CARER = "carer"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"service_user": "Service user"}.get(self.value, self.value.capitalize())


class OrganisationKind(StrEnum):
    NHS_TRUST = "nhs_trust"
    GP_PCN = "gp_pcn"
    LOCAL_AUTHORITY = "local_authority"
    VOLUNTARY = "voluntary"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "nhs_trust": "NHS trust",
            "gp_pcn": "GP practice or PCN",
            "local_authority": "Local authority",
            "voluntary": "Voluntary sector",
            "other": "Other",
        }[self.value]


class Organisation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True, index=True)
    kind: OrganisationKind = Field(default=OrganisationKind.OTHER)
    borough: str | None = Field(default=None, max_length=60)
    # People with an email at this domain may sign up for it without a lead's approval.
    email_domain: str | None = Field(default=None, max_length=120)
    created_at: datetime = Field(default_factory=utcnow)


class Participant(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str | None = Field(default=None, max_length=254, unique=True, index=True)
    display_name: str = Field(default="", max_length=80)
    role: CareRole | None = Field(default=None)
    profession: str | None = Field(default=None, max_length=120)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    borough: str | None = Field(default=None, max_length=60)
    consent_privacy_at: datetime | None = None
    consent_quote: bool = False
    access: Access = Field(default=Access.PARTICIPANT)
    session_epoch: int = 0
    # Session ids signed out one by one (space-separated); "sign out everywhere" bumps session_epoch.
    signed_out_sessions: str = Field(default="", max_length=1000)
    created_at: datetime = Field(default_factory=utcnow)
    erased_at: datetime | None = None

    @property
    def has_profile(self) -> bool:
        return bool(self.display_name and self.role and self.borough and self.consent_privacy_at)


class LoginToken(SQLModel, table=True):
    """A magic-link token: single use, expiring; the link carries a signed nonce."""

    id: int | None = Field(default=None, primary_key=True)
    nonce: str = Field(max_length=64, unique=True, index=True)
    email: str = Field(max_length=254, index=True)
    next_url: str = Field(default="/", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None


class OutboxMessage(SQLModel, table=True):
    """Every mail the app sends, kept so admins can read it when no SMTP server is configured."""

    id: int | None = Field(default=None, primary_key=True)
    to: str = Field(max_length=254, index=True)
    subject: str = Field(max_length=200)
    body: str
    created_at: datetime = Field(default_factory=utcnow, index=True)
    delivered: bool = False
