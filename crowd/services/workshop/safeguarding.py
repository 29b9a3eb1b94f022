"""The safeguarding route: a contribution that suggests someone may be at risk goes to a queue that only
people with the safeguarding role see, with a checklist and a record of who looked and what they did.

It is never hidden automatically (hiding could silence someone asking for help); the ordinary moderation
queue shows that it was escalated; only the safeguarding role may hide it, and exports leave it out while
its case is open. The author is told, once, where to get help now.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from crowd.models import (
    Contribution,
    Participant,
    SafeguardingCase,
    SafeguardingNote,
    SafeguardingRole,
    SafeguardingStatus,
)
from crowd.models._base import utcnow
from crowd.services import audit
from crowd.services.errors import DomainError, Forbidden, NotFound
from crowd.settings import Settings

AT_RISK = "Someone may be at risk"
CHECKLIST = (
    ("read", "Read the contribution, its thread and every flag reason"),
    ("identify", "Checked whether the person at risk, or the author, can be identified"),
    (
        "urgent",
        "Decided whether there is an immediate risk (if so, called 999 or followed the urgent procedure)",
    ),
    ("referral", "Made a referral under the local safeguarding procedure, or recorded why not"),
    ("lead", "Told the organisation's named safeguarding lead"),
    ("author", "Contacted the author where we can and it is safe, or recorded why not"),
)
CHECK_KEYS = {key for key, _ in CHECKLIST}
HELP_NOW = (
    "If you or someone else is in danger now, call 999.\n"
    "For urgent help with your health or someone else's, call NHS 111 (or go to 111.nhs.uk); "
    "for your mental health, choose the mental health option.\n"
    "Samaritans are there any time, day or night: call 116 123 for free."
)


def has_role(session: Session, participant_id: int | None) -> bool:
    if participant_id is None:
        return False
    found = session.exec(select(SafeguardingRole).where(SafeguardingRole.participant_id == participant_id))
    return found.first() is not None


def require_role(session: Session, participant_id: int | None) -> None:
    if not has_role(session, participant_id):
        raise Forbidden("Only people with the safeguarding role can do that.")


def case_for(session: Session, contribution_id: int) -> SafeguardingCase | None:
    return session.exec(
        select(SafeguardingCase).where(SafeguardingCase.contribution_id == contribution_id)
    ).first()


def escalated_ids(session: Session, contribution_ids: list[int]) -> set[int]:
    if not contribution_ids:
        return set()
    return set(
        session.exec(
            select(SafeguardingCase.contribution_id).where(
                col(SafeguardingCase.contribution_id).in_(contribution_ids)
            )
        )
    )


def open_case_ids():
    """A select of the contributions under an open case (left out of exports)."""
    return select(SafeguardingCase.contribution_id).where(SafeguardingCase.status == SafeguardingStatus.OPEN)


def escalate(
    session: Session,
    *,
    contribution_id: int,
    raised_by: int | None,
    source: str,
    reason: str,
    settings: Settings | None = None,
) -> SafeguardingCase:
    """Open a case (or add to the open one) and tell the author, once, where to get help now."""
    contribution = session.get(Contribution, contribution_id)
    if contribution is None or contribution.withdrawn_at is not None:
        raise NotFound("That contribution does not exist.")
    reason = (reason or AT_RISK).strip()[:500]
    case = case_for(session, contribution_id)
    if case is None:
        case = SafeguardingCase(
            contribution_id=contribution_id, source=source, raised_by=raised_by, reason=reason
        )
    elif case.status == SafeguardingStatus.CLOSED:
        case.status, case.closed_at, case.closed_by = SafeguardingStatus.OPEN, None, None
    session.add(case)
    session.flush()
    session.add(
        SafeguardingNote(case_id=case.id, actor_id=raised_by, action=f"Escalated ({source}): {reason}")
    )
    if case.author_notified_at is None and contribution.author_id:
        _notify_author(session, contribution, settings)
        case.author_notified_at = utcnow()
        session.add(case)
    audit.record(
        session,
        actor_id=raised_by,
        action="escalate_safeguarding",
        target_type="contribution",
        target_id=contribution_id,
        after={"case_id": case.id, "source": source},
    )
    return case


def escalate_from_queue(
    session: Session, *, contribution_id: int, actor_id: int, reason: str, settings: Settings | None = None
) -> SafeguardingCase:
    """A moderator's action in the ordinary queue: send it to safeguarding, with why."""
    if not (reason or "").strip():
        raise DomainError("Give a reason: it is kept in the case record.", field="reason")
    return escalate(
        session,
        contribution_id=contribution_id,
        raised_by=actor_id,
        source="moderator",
        reason=f"{AT_RISK}: {reason.strip()}",
        settings=settings,
    )


def _notify_author(session: Session, contribution: Contribution, settings: Settings | None) -> None:
    author = session.get(Participant, contribution.author_id)
    if author is None or not author.email or author.erased_at is not None or settings is None:
        return  # the notice shows on their My activity page as well
    from crowd.services.mail import send_mail

    body = (
        f"Hello {author.display_name or 'there'},\n\n"
        "Something you wrote on crowd made someone worry that you, or someone else, may be at risk. "
        "It has been passed to a trained member of the team, who may get in touch. What you wrote is "
        "not hidden and nothing else happens to it.\n\n"
        f"Where to get help now:\n{HELP_NOW}\n"
    )
    send_mail(session, settings=settings, to=author.email, subject="Where to get help now", body=body)


@dataclass
class CaseView:
    case: SafeguardingCase
    contribution: Contribution
    author: Participant | None
    notes: list[tuple[SafeguardingNote, Participant | None]]


def queue(session: Session, *, actor_id: int, status: SafeguardingStatus = SafeguardingStatus.OPEN):
    require_role(session, actor_id)
    return list(
        session.exec(
            select(SafeguardingCase, Contribution)
            .join(Contribution, col(Contribution.id) == col(SafeguardingCase.contribution_id))
            .where(SafeguardingCase.status == status)
            .order_by(col(SafeguardingCase.id).desc())
        )
    )


def open_count(session: Session) -> int:
    return len(session.exec(open_case_ids()).all())


def view_case(session: Session, *, case_id: int, actor_id: int) -> CaseView:
    require_role(session, actor_id)
    case = session.get(SafeguardingCase, case_id)
    if case is None:
        raise NotFound("There is no such safeguarding case.")
    contribution = session.get(Contribution, case.contribution_id)
    author = session.get(Participant, contribution.author_id) if contribution.author_id else None
    notes = list(
        session.exec(
            select(SafeguardingNote, Participant)
            .outerjoin(Participant, col(Participant.id) == col(SafeguardingNote.actor_id))
            .where(SafeguardingNote.case_id == case_id)
            .order_by(col(SafeguardingNote.id))
        )
    )
    # Looking is recorded too: who opened the case, and when.
    session.add(SafeguardingNote(case_id=case_id, actor_id=actor_id, action="Looked at the case"))
    return CaseView(case, contribution, author, notes)


def record(
    session: Session, *, case_id: int, actor_id: int, action: str, checked: list[str], close: bool
) -> SafeguardingCase:
    """Record what was done, tick checklist items, and optionally close the case."""
    require_role(session, actor_id)
    case = session.get(SafeguardingCase, case_id)
    if case is None:
        raise NotFound("There is no such safeguarding case.")
    action = (action or "").strip()
    if not action:
        raise DomainError("Say what you did (or decided): it is the case record.", field="action")
    if len(action) > 4000:
        raise DomainError("Keep the note to 4,000 characters or fewer.", field="action")
    unknown = set(checked) - CHECK_KEYS
    if unknown:
        raise DomainError("Tick only the items of the checklist.", field="checklist")
    if close and set(case.checklist) | set(checked) != CHECK_KEYS:
        raise DomainError(
            "Every item of the checklist must be done before the case is closed.", field="checklist"
        )
    ticked = {**case.checklist, **{key: utcnow().isoformat() for key in checked if key not in case.checklist}}
    case.checklist = ticked
    if close:
        case.status, case.closed_at, case.closed_by = SafeguardingStatus.CLOSED, utcnow(), actor_id
    session.add(case)
    session.add(SafeguardingNote(case_id=case.id, actor_id=actor_id, action=action, checklist=dict(ticked)))
    audit.record(
        session,
        actor_id=actor_id,
        action="close_safeguarding" if close else "record_safeguarding",
        target_type="safeguarding_case",
        target_id=case.id,
        after={"checked": sorted(ticked)},
    )
    return case


def grant(session: Session, *, actor_id: int, participant_id: int, on: bool) -> None:
    found = session.exec(
        select(SafeguardingRole).where(SafeguardingRole.participant_id == participant_id)
    ).first()
    if on and found is None:
        session.add(SafeguardingRole(participant_id=participant_id, granted_by=actor_id))
    elif not on and found is not None:
        session.delete(found)
    audit.record(
        session,
        actor_id=actor_id,
        action="grant_safeguarding" if on else "revoke_safeguarding",
        target_type="participant",
        target_id=participant_id,
    )


def role_holders(session: Session) -> list[Participant]:
    return list(
        session.exec(
            select(Participant)
            .join(SafeguardingRole, col(SafeguardingRole.participant_id) == col(Participant.id))
            .order_by(Participant.email)
        )
    )


def case_record_text(session: Session, *, case_id: int, actor_id: int) -> str:
    """The whole case as plain text, for the safeguarding role only (the one way a case is exported)."""
    view = view_case(session, case_id=case_id, actor_id=actor_id)
    case, c = view.case, view.contribution
    author = view.author
    lines = [
        f"Safeguarding case {case.id} ({case.status.value})",
        f"Opened {case.created_at.isoformat(timespec='minutes')} by {case.source}: {case.reason}",
        f"Contribution #{c.id} ({c.stream.value}, {c.created_at.isoformat(timespec='minutes')}):",
        c.text,
        "",
        "Author: "
        + (
            f"{author.display_name} <{author.email}>, {author.role.label if author.role else ''}, {author.borough or ''}"
            if author
            else f"no account ({c.source_role or 'role not known'}, {c.source_borough or 'borough not known'})"
        ),
        "",
        "Checklist:",
        *(f"  [{'x' if key in case.checklist else ' '}] {label}" for key, label in CHECKLIST),
        "",
        "Record:",
        *(
            f"  {note.at.isoformat(timespec='minutes')} {who.email if who else 'crowd'}: {note.action}"
            for note, who in view.notes
        ),
    ]
    audit.record(session, actor_id=actor_id, action="export_safeguarding_case", target_type="safeguarding_case",
                 target_id=case.id)  # fmt: skip
    return "\n".join(lines) + "\n"
