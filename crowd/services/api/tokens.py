"""API tokens of a signatory organisation: made and shown once, kept as a SHA-256, scoped, expiring, revocable.

A token reads `crowd_<prefix>_<secret>`; only its hash is stored, so a database leak gives no usable
token. Checking costs one indexed look-up. Every token and every change is audited.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from crowd.models import ApiToken, Participant, Signatory, TokenScope
from crowd.models._base import utcnow
from crowd.services import audit
from crowd.services.declaration.signatories import get_signatory, may_assess
from crowd.services.errors import Forbidden, NotFound, ValidationFailed

MAX_DAYS = 366
DEFAULT_DAYS = 90


class TokenRefused(Exception):
    """A request's token cannot be used: `status` 401 (missing, malformed, unknown, expired, revoked) or 403."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class MadeToken:
    token: ApiToken
    secret: str  # shown to the person once, never stored


def hash_of(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def create_token(
    session: Session, *, actor: Participant, signatory_id: int, name: str, days: str | int, scopes: list[str]
) -> MadeToken:
    signatory = get_signatory(session, signatory_id)
    if not may_assess(actor, signatory):
        raise Forbidden(
            "Only the person who signed for this organisation, or a lead, can make its API tokens."
        )
    errors: dict[str, str] = {}
    name = " ".join(name.split())
    if not name:
        errors["name"] = "Give the token a name, for example “Power BI dashboard”"
    elif len(name) > 80:
        errors["name"] = "The name must be 80 characters or fewer"
    try:
        lifetime = int(str(days).strip() or DEFAULT_DAYS)
        if not 1 <= lifetime <= MAX_DAYS:
            raise ValueError
    except ValueError:
        errors["days"] = f"Enter a number of days from 1 to {MAX_DAYS}"
        lifetime = DEFAULT_DAYS
    chosen = [s for s in scopes if s in TokenScope._value2member_map_]
    if not chosen or len(chosen) != len(scopes):
        errors["scopes"] = "Choose what the token may do"
    if errors:
        raise ValidationFailed(errors)
    prefix = secrets.token_hex(4)
    secret = f"crowd_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        signatory_id=signatory.id,
        created_by=actor.id,
        name=name,
        prefix=prefix,
        token_hash=hash_of(secret),
        scopes=" ".join(sorted(set(chosen))),
        expires_at=utcnow() + timedelta(days=lifetime),
    )
    session.add(token)
    session.flush()
    audit.record(session, actor_id=actor.id, action="api_token.create", target_type="signatory",
                 target_id=signatory.id, after={"token": token.id, "scopes": token.scopes, "days": lifetime})  # fmt: skip
    return MadeToken(token, secret)


def tokens_of(session: Session, *, signatory_id: int) -> list[ApiToken]:
    return list(
        session.exec(
            select(ApiToken).where(ApiToken.signatory_id == signatory_id).order_by(col(ApiToken.id).desc())
        )
    )


def revoke(session: Session, *, actor: Participant, signatory_id: int, token_id: int) -> ApiToken:
    signatory = get_signatory(session, signatory_id)
    if not may_assess(actor, signatory):
        raise Forbidden("Only the person who signed for this organisation, or a lead, can revoke its tokens.")
    token = session.get(ApiToken, token_id)
    if token is None or token.signatory_id != signatory.id:
        raise NotFound("There is no such token.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        audit.record(session, actor_id=actor.id, action="api_token.revoke", target_type="signatory",
                     target_id=signatory.id, after={"token": token.id})  # fmt: skip
    return token


def check(session: Session, raw: str | None, *, scope: TokenScope) -> tuple[ApiToken, Signatory]:
    """The token of an `Authorization: Bearer ...` value, if it may be used for `scope`; else TokenRefused."""
    if not raw:
        raise TokenRefused(401, "This needs an API token: send it as 'Authorization: Bearer <token>'.")
    kind, _, value = raw.partition(" ")
    value = value.strip()
    if kind.lower() != "bearer" or not value.startswith("crowd_") or len(value) > 200:
        raise TokenRefused(401, "The Authorization header must be 'Bearer <token>' with a crowd API token.")
    token = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_of(value))).first()
    if token is None:
        raise TokenRefused(401, "That API token is not known.")
    if token.revoked_at is not None:
        raise TokenRefused(401, "That API token was revoked.")
    if _aware(token.expires_at) <= utcnow():
        raise TokenRefused(401, "That API token has expired: make a new one.")
    if scope not in token.scope_set:
        raise TokenRefused(403, f"That API token may not do this (it needs the scope {scope.value!r}).")
    signatory = session.get(Signatory, token.signatory_id)
    if signatory is None:
        raise TokenRefused(401, "That API token's organisation no longer exists.")
    return token, signatory


def touch(session: Session, token: ApiToken) -> None:
    """Record when a token was last used (at most once a minute, to keep reads cheap)."""
    now = utcnow()
    if token.last_used_at is None or now - _aware(token.last_used_at) > timedelta(minutes=1):
        token.last_used_at = now
        session.add(token)


def actor_of(session: Session, token: ApiToken) -> Participant:
    """Who a token's writes are recorded as: the person who made it, while they may still assess."""
    actor = session.get(Participant, token.created_by) if token.created_by else None
    if actor is None or actor.erased_at is not None:
        raise TokenRefused(
            401, "The person who made this API token no longer has an account: make a new one."
        )
    return actor
