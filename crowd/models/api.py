"""API tokens: a signatory organisation's key to the read API and to pushing its assessment values."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from crowd.models._base import utcnow


class TokenScope(StrEnum):
    READ = "read"  # the non-public parts of the read API (theme summaries, engagement figures)
    WRITE_ASSESSMENTS = "write:assessments"  # POST assessment values for the token's organisation

    @property
    def label(self) -> str:
        return {"read": "Read figures", "write:assessments": "Send assessment values"}[self.value]


class ApiToken(SQLModel, table=True):
    """Shown once when made; only its SHA-256 is kept. Scoped to one signatory and to its scopes."""

    id: int | None = Field(default=None, primary_key=True)
    signatory_id: int = Field(foreign_key="signatory.id", index=True)
    created_by: int | None = Field(default=None, foreign_key="participant.id", index=True)
    name: str = Field(max_length=80)
    prefix: str = Field(max_length=16)  # the first characters, to tell tokens apart in the list
    token_hash: str = Field(max_length=64, unique=True, index=True)
    scopes: str = Field(max_length=200)  # space-separated TokenScope values
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None

    @property
    def scope_set(self) -> set[TokenScope]:
        return {TokenScope(s) for s in self.scopes.split() if s in TokenScope._value2member_map_}
