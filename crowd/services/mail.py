"""Send mail through SMTP when configured; always keep a copy in the outbox."""

from __future__ import annotations

import logging
import re
import smtplib
from email.message import EmailMessage

from sqlmodel import Session, col, select

from crowd.models import OutboxMessage
from crowd.services.errors import Unavailable
from crowd.settings import Settings

log = logging.getLogger("crowd.mail")
SENT_BY_SMTP = "[sent by SMTP: the text is not kept]"
_LINK_TOKEN = re.compile(r"(/auth/verify\?token=)\S+")


def shown_body(body: str) -> str:
    """A mail as the admins' outbox shows it: sign-in links cut short, so none can be used from there."""
    return _LINK_TOKEN.sub(r"\1[hidden: only the recipient can use it]", body)


def send_mail(session: Session, *, settings: Settings, to: str, subject: str, body: str) -> OutboxMessage:
    """Store the message in the outbox and deliver it by SMTP, or print it when no SMTP is set."""
    # With SMTP the mail leaves and only a note stays: the outbox must not hold live sign-in links.
    kept = SENT_BY_SMTP if settings.smtp_host else body
    message = OutboxMessage(to=to, subject=subject, body=kept)
    if settings.smtp_host:
        try:
            _deliver(settings, to=to, subject=subject, body=body)
        except (OSError, smtplib.SMTPException) as error:
            log.error("Could not send mail to %s: %s", to, error)
            raise Unavailable("We could not send the email just now. Try again in a few minutes.") from error
        message.delivered = True
    else:
        log.warning("Mail to %s: %s\n%s", to, subject, body)
    session.add(message)
    return message


def _deliver(settings: Settings, *, to: str, subject: str, body: str) -> None:
    mail = EmailMessage()
    mail["From"] = settings.mail_from
    mail["To"] = to
    mail["Subject"] = subject
    mail.set_content(body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(mail)


def outbox(session: Session, *, limit: int = 50) -> list[OutboxMessage]:
    return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id).desc()).limit(limit)))
