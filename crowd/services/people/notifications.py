"""'A new version is out' mail: a participant opts in; when a new version of a declaration they
contributed to is published, the worker sends them one mail, in rate-limited batches, kept in the outbox.

The unsubscribe link is signed (itsdangerous) and carries the subscription's nonce: it works without
signing in, a changed link is refused, and a used link is refused because unsubscribing changes the nonce.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, union
from sqlmodel import Session, col, select

from crowd.models import (
    Contribution,
    DeclarationStatus,
    DeclarationVersion,
    Foundation,
    FoundationTheme,
    Participant,
    Theme,
    VersionMail,
    VersionSubscription,
)
from crowd.models._base import utcnow
from crowd.services import audit
from crowd.services.errors import DomainError, Unavailable
from crowd.services.mail import send_mail
from crowd.settings import Settings

SALT = "crowd-unsubscribe"


def subscription(session: Session, *, participant_id: int) -> VersionSubscription | None:
    return session.exec(
        select(VersionSubscription).where(VersionSubscription.participant_id == participant_id)
    ).first()


def is_subscribed(session: Session, *, participant_id: int) -> bool:
    found = subscription(session, participant_id=participant_id)
    return bool(found and found.active)


def set_subscription(session: Session, *, participant_id: int, on: bool) -> VersionSubscription:
    found = subscription(session, participant_id=participant_id)
    if found is None:
        found = VersionSubscription(participant_id=participant_id, nonce=secrets.token_urlsafe(16), active=on)
    else:
        if on and not found.active:
            found.created_at = utcnow()  # mail only for versions published from now on
        found.active = on
        found.updated_at = utcnow()
    session.add(found)
    session.flush()
    return found


def unsubscribe_token(secret_key: str, found: VersionSubscription) -> str:
    return URLSafeSerializer(secret_key, salt=SALT).dumps({"p": found.participant_id, "n": found.nonce})


INVALID = (
    "This unsubscribe link is not valid: it may have been changed or cut short. Nothing was changed. "
    "Copy the whole link from the email, or sign in and change it in My activity."
)
USED = (
    "This unsubscribe link has already been used, so it no longer works. Nothing was changed. "
    "Sign in and look in My activity to see whether you get these emails."
)


def check_token(session: Session, *, secret_key: str, token: str) -> VersionSubscription:
    """The subscription a link is for; DomainError (nothing changed) if it was altered or already used."""
    try:
        data = URLSafeSerializer(secret_key, salt=SALT).loads(token)
        participant_id, nonce = int(data["p"]), str(data["n"])
    except (BadSignature, KeyError, TypeError, ValueError) as error:
        raise DomainError(INVALID) from error
    found = subscription(session, participant_id=participant_id)
    if found is None or not secrets.compare_digest(found.nonce, nonce):
        raise DomainError(USED)
    return found


def unsubscribe(session: Session, *, secret_key: str, token: str) -> VersionSubscription:
    """Turn the mail off from a link (no sign-in); the link stops working once used."""
    found = check_token(session, secret_key=secret_key, token=token)
    found.active = False
    found.nonce = secrets.token_urlsafe(16)
    found.updated_at = utcnow()
    session.add(found)
    audit.record(
        session,
        actor_id=found.participant_id,
        action="unsubscribe_version_mail",
        target_type="participant",
        target_id=found.participant_id,
    )
    return found


def contributors_of(session: Session, version: DeclarationVersion):
    """A select of the ids of people who contributed to this version: authors of contributions in the
    workshops whose themes are under its foundations, and of feedback left on earlier versions."""
    slugs = [f["slug"] for f in (version.snapshot or {}).get("foundations", [])]
    theme_workshops = (
        select(Theme.workshop_id)
        .join(FoundationTheme, col(FoundationTheme.theme_id) == col(Theme.id))
        .join(Foundation, col(Foundation.id) == col(FoundationTheme.foundation_id))
        .where(col(Foundation.slug).in_(slugs))
    )
    feedback_workshops = select(DeclarationVersion.feedback_workshop_id).where(
        col(DeclarationVersion.number) < version.number,
        col(DeclarationVersion.feedback_workshop_id).is_not(None),
    )
    workshops = union(theme_workshops, feedback_workshops).subquery()
    return select(Contribution.author_id).where(
        col(Contribution.author_id).is_not(None),
        col(Contribution.withdrawn_at).is_(None),
        col(Contribution.workshop_id).in_(select(workshops.c[0])),
    )


def queue_latest(session: Session) -> int:
    """Queue one mail per subscriber who contributed to the latest published version and subscribed
    before it was published (never twice: one row per version and person). Returns how many."""
    version = session.exec(
        select(DeclarationVersion)
        .where(DeclarationVersion.status == DeclarationStatus.PUBLISHED)
        .order_by(col(DeclarationVersion.number).desc())
    ).first()
    if version is None or version.published_at is None:
        return 0
    already = select(VersionMail.participant_id).where(VersionMail.declaration_id == version.id)
    due = session.exec(
        select(VersionSubscription.participant_id).where(
            col(VersionSubscription.active).is_(True),
            col(VersionSubscription.created_at) < version.published_at,
            col(VersionSubscription.participant_id).in_(contributors_of(session, version)),
            col(VersionSubscription.participant_id).not_in(already),
        )
    ).all()
    for participant_id in due:
        session.add(VersionMail(declaration_id=version.id, participant_id=participant_id))
    session.flush()
    return len(due)


def send_due(session: Session, *, settings: Settings) -> int:
    """Send queued mails: at most `version_mail_batch` now and `version_mail_per_minute` in any minute."""
    since = utcnow() - timedelta(minutes=1)
    recent = session.exec(
        select(func.count()).select_from(VersionMail).where(col(VersionMail.sent_at) >= since)
    ).one()
    room = min(settings.version_mail_batch, settings.version_mail_per_minute - int(recent))
    if room <= 0:
        return 0
    rows = session.exec(
        select(VersionMail, Participant, DeclarationVersion)
        .join(Participant, col(Participant.id) == col(VersionMail.participant_id))
        .join(DeclarationVersion, col(DeclarationVersion.id) == col(VersionMail.declaration_id))
        .where(col(VersionMail.sent_at).is_(None))
        .order_by(col(VersionMail.id))
        .limit(room)
    ).all()
    sent = 0
    for mail, person, version in rows:
        found = subscription(session, participant_id=person.id)
        mail.sent_at = utcnow()
        if person.email and person.erased_at is None and found is not None and found.active:
            try:
                message = send_mail(
                    session, settings=settings, to=person.email, **_message(settings, person, version, found)
                )
            except Unavailable:
                mail.sent_at = None  # the mail server is away: keep what went, try the rest on a later step
                break
            session.flush()
            mail.outbox_id = message.id
            sent += 1
        session.add(mail)
    session.flush()
    return sent


def _message(settings: Settings, person: Participant, version: DeclarationVersion, found) -> dict:
    base = settings.base_url.rstrip("/")
    link = f"{base}/unsubscribe?token={unsubscribe_token(settings.secret_key, found)}"
    body = (
        f"Hello {person.display_name or 'there'},\n\n"
        f"Version {version.number} of {version.title} is published. You took part, so here is what "
        f"came of it.\n\nWhat is new: {version.change_note}\n\n"
        f'Read it, and see what shaped each foundation ("You said, we did"):\n'
        f"{base}/declaration/v/{version.number}#you-said\n\n"
        f"See what became of each of your ideas: {base}/me\n\n"
        f"You get this email because you asked for it. To stop these emails, open this link "
        f"(no need to sign in):\n{link}\n"
    )
    return {"subject": f"{version.title}: version {version.number} is published", "body": body}


def send_version_mail(db, *, settings: Settings) -> int:
    """One worker step: queue for the latest version, then send a batch. Returns how many were sent."""
    with db.write() as session:
        queue_latest(session)
        return send_due(session, settings=settings)


def download(session: Session, *, participant_id: int) -> dict | None:
    found = subscription(session, participant_id=participant_id)
    return {"active": found.active, "since": found.created_at.isoformat()} if found else None


def erase(session: Session, *, participant_id: int) -> None:
    """Forget the person's subscription and their queue of mails (the outbox copies go with their email)."""
    from sqlalchemy import delete

    session.exec(delete(VersionMail).where(col(VersionMail.participant_id) == participant_id))
    session.exec(delete(VersionSubscription).where(col(VersionSubscription.participant_id) == participant_id))
