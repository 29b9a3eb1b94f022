"""Sign-in by emailed magic link: single-use, expiring, signed tokens."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import update
from sqlmodel import Session, select

from crowd.models import Access, LoginToken, Participant
from crowd.models._base import utcnow
from crowd.services.errors import DomainError
from crowd.services.mail import send_mail
from crowd.settings import Settings, SettingsError

EMAIL_SHAPE = re.compile(r"^[^@\s<>\"']{1,64}@[^@\s<>\"']+\.[^@\s<>\"']{2,}$")
SALT = "crowd-magic-link"


def normalise_email(raw: str) -> str:
    email = (raw or "").strip().lower()
    if len(email) > 254 or not EMAIL_SHAPE.match(email):
        raise DomainError(
            "Enter an email address in the correct format, like name@example.com", field="email"
        )
    return email


def safe_next(url: str | None) -> str:
    """Only paths on this site are followed after sign-in (no open redirect)."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return "/"
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return "/"
    return url[:500]


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    if not settings.secret_key:
        raise SettingsError("SECRET_KEY is not set: sign-in links cannot be signed.")
    return URLSafeTimedSerializer(settings.secret_key, salt=SALT)


def request_link(session: Session, *, settings: Settings, email: str, next_url: str = "/") -> str:
    """Create a token, mail the link, and return it (the caller never shows it to the requester)."""
    email = normalise_email(email)
    nonce = secrets.token_urlsafe(24)
    expires = utcnow() + timedelta(minutes=settings.magic_link_minutes)
    session.add(LoginToken(nonce=nonce, email=email, next_url=safe_next(next_url), expires_at=expires))
    link = f"{settings.base_url.rstrip('/')}/auth/verify?token={_serializer(settings).dumps(nonce)}"
    body = (
        "Hello,\n\nUse this link to sign in to crowd. It works once and expires in "
        f"{settings.magic_link_minutes} minutes:\n\n{link}\n\n"
        "If you did not ask for it, you can ignore this email.\n"
    )
    send_mail(session, settings=settings, to=email, subject="Your sign-in link for crowd", body=body)
    return link


def _live_token(session: Session, *, settings: Settings, token: str) -> LoginToken:
    """The link's token row if the link is genuine, unexpired and unused; else a DomainError saying which."""
    expired = DomainError("This sign-in link has expired. Ask for a new one.")
    try:
        nonce = _serializer(settings).loads(token, max_age=settings.magic_link_minutes * 60)
    except SignatureExpired:
        raise expired from None
    except BadSignature:
        raise DomainError("This sign-in link is not valid. Ask for a new one.") from None
    row = session.exec(select(LoginToken).where(LoginToken.nonce == nonce)).first()
    if row is None:
        raise DomainError("This sign-in link is not valid. Ask for a new one.")
    if row.expires_at < utcnow():
        raise expired
    if row.used_at is not None:
        raise DomainError("This sign-in link has already been used. Ask for a new one.")
    return row


def check_link(session: Session, *, settings: Settings, token: str) -> str:
    """The email a link would sign in, without using it up (the confirm page; mail scanners open links)."""
    return _live_token(session, settings=settings, token=token).email


def consume_link(session: Session, *, settings: Settings, token: str) -> tuple[Participant, str]:
    """Check the signed token, use it up, and return the participant (created on first sign-in)."""
    row = _live_token(session, settings=settings, token=token)
    now = utcnow()
    used = session.exec(
        update(LoginToken).where(LoginToken.id == row.id, LoginToken.used_at.is_(None)).values(used_at=now)
    )
    if used.rowcount != 1:
        raise DomainError("This sign-in link has already been used. Ask for a new one.")
    participant = session.exec(select(Participant).where(Participant.email == row.email)).first()
    if participant is None:
        access = Access.ADMIN if row.email in settings.admin_emails else Access.PARTICIPANT
        participant = Participant(email=row.email, access=access)
        session.add(participant)
        session.flush()
    if participant.erased_at is not None:
        raise DomainError("This account was erased at its owner's request.")
    return participant, row.next_url


MAX_SIGNED_OUT = 40  # sessions remembered one by one; past that, every session is ended instead


def end_session(session: Session, *, participant_id: int, session_id: str | None) -> None:
    """Sign one session out on the server: a copy of its cookie no longer signs anyone in."""
    person = session.get(Participant, participant_id)
    if person is None:
        return
    if not session_id:
        end_every_session(session, participant_id=participant_id)
        return
    ended = person.signed_out_sessions.split()
    if session_id in ended:
        return
    if len(ended) >= MAX_SIGNED_OUT:
        end_every_session(session, participant_id=participant_id)
        return
    person.signed_out_sessions = " ".join([*ended, session_id])
    session.add(person)


def end_every_session(session: Session, *, participant_id: int) -> None:
    """Sign out everywhere: every session of the person ends (the session epoch moves on)."""
    person = session.get(Participant, participant_id)
    if person is None:
        return
    person.session_epoch += 1
    person.signed_out_sessions = ""
    session.add(person)
