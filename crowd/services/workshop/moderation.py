"""The moderation queue: flagged contributions and those with masked personal data; hide and restore.

Hidden contributions are never deleted: they drop out of lists, themes, exports and vote counts, and a
moderator can restore them. Every decision is audited with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, update
from sqlmodel import Session, col, func, select

from crowd.models import Contribution, ContributionStatus, Flag
from crowd.models._base import utcnow
from crowd.services import audit
from crowd.services.errors import DomainError, NotFound


@dataclass
class QueueItem:
    contribution: Contribution
    reasons: list[str]


def queue(session: Session, *, include_hidden: bool = False, limit: int = 100) -> list[QueueItem]:
    """Contributions that need a look: flagged, or with personal data masked; hidden ones on request."""
    where = [col(Contribution.withdrawn_at).is_(None)]
    if include_hidden:
        where.append(col(Contribution.status) == ContributionStatus.HIDDEN)
    else:
        where += [_needs_look(), _not_hidden_by_a_moderator()]
    rows = list(
        session.exec(
            select(Contribution)
            .where(*where)
            .order_by(col(Contribution.flag_count).desc(), col(Contribution.id).desc())
            .limit(limit)
        )
    )
    reasons: dict[int, list[str]] = {}
    ids = [c.id for c in rows]
    if ids:
        for contribution_id, reason in session.exec(
            select(Flag.contribution_id, Flag.reason).where(col(Flag.contribution_id).in_(ids))
        ):
            reasons.setdefault(contribution_id, []).append(reason)
    return [QueueItem(c, reasons.get(c.id, [])) for c in rows]


def _needs_look():
    unseen = col(Contribution.moderated_at).is_(None)
    masked_unseen = (col(Contribution.masked) != "") & unseen
    return or_(col(Contribution.flag_count) > 0, masked_unseen, _held())


def _held():
    """Held for moderation: hidden, but by no moderator (an edit after moderation, an anonymous note)."""
    return (col(Contribution.status) == ContributionStatus.HIDDEN) & col(Contribution.moderated_at).is_(None)


def _not_hidden_by_a_moderator():
    return or_(
        col(Contribution.status) != ContributionStatus.HIDDEN, col(Contribution.moderated_at).is_(None)
    )


def hold(session: Session, *, contribution: Contribution, reason: str) -> None:
    """Take a contribution out of sight until a moderator looks at it: it is hidden (from lists, themes,
    exports) and back in the queue; restoring it (or hiding it for good) is the moderator's decision."""
    was_shown = contribution.status != ContributionStatus.HIDDEN
    contribution.status = ContributionStatus.HIDDEN
    contribution.moderated_at = None
    session.add(contribution)
    session.flush()
    if was_shown and contribution.parent_id and contribution.withdrawn_at is None:
        session.exec(
            update(Contribution)
            .where(col(Contribution.id) == contribution.parent_id)
            .values(comment_count=Contribution.comment_count - 1)
        )
    if was_shown:
        from crowd.services.themes.curated import refresh_sizes

        refresh_sizes(session, workshop_id=contribution.workshop_id)
    audit.record(
        session,
        actor_id=None,
        action="hold_for_moderation",
        target_type="contribution",
        target_id=contribution.id,
        note=reason,
    )


def queue_size(session: Session) -> int:
    where = [_needs_look(), _not_hidden_by_a_moderator(), col(Contribution.withdrawn_at).is_(None)]
    return session.exec(select(func.count()).select_from(Contribution).where(*where)).one()


def _reason(raw: str) -> str:
    reason = (raw or "").strip()
    if not reason:
        raise DomainError("Give a reason: it is kept in the audit log.", field="reason")
    if len(reason) > 500:
        raise DomainError("Keep the reason to 500 characters or fewer.", field="reason")
    return reason


def _set_status(
    session: Session, *, contribution_id: int, actor_id: int, reason: str, status: ContributionStatus
) -> Contribution:
    reason = _reason(reason)
    contribution = session.get(Contribution, contribution_id)
    if contribution is None:
        raise NotFound("That contribution does not exist.")
    before = contribution.status
    hiding = status == ContributionStatus.HIDDEN
    held = before == ContributionStatus.HIDDEN and contribution.moderated_at is None  # hiding it confirms
    if (before == ContributionStatus.HIDDEN) == hiding and not held:
        raise DomainError("It is already hidden." if hiding else "It is not hidden.")
    contribution.status = status
    contribution.flag_count = 0
    contribution.moderated_at = utcnow()
    session.add(contribution)
    session.flush()
    from crowd.services.themes.curated import refresh_sizes  # hidden members drop out of theme sizes at once

    refresh_sizes(session, workshop_id=contribution.workshop_id)
    if contribution.parent_id and contribution.withdrawn_at is None and not (held and hiding):
        delta = -1 if hiding else 1
        session.exec(
            update(Contribution)
            .where(col(Contribution.id) == contribution.parent_id)
            .values(comment_count=Contribution.comment_count + delta)
        )
    audit.record(
        session,
        actor_id=actor_id,
        action="hide_contribution" if hiding else "restore_contribution",
        target_type="contribution",
        target_id=contribution.id,
        before={"status": before.value},
        after={"status": status.value},
        note=reason,
    )
    return contribution


def hide(session: Session, *, contribution_id: int, actor_id: int, reason: str) -> Contribution:
    from crowd.services.workshop import safeguarding

    if safeguarding.case_for(session, contribution_id) is not None:  # only the safeguarding role hides it
        safeguarding.require_role(session, actor_id)
    return _set_status(
        session,
        contribution_id=contribution_id,
        actor_id=actor_id,
        reason=reason,
        status=ContributionStatus.HIDDEN,
    )


def restore(session: Session, *, contribution_id: int, actor_id: int, reason: str) -> Contribution:
    return _set_status(
        session,
        contribution_id=contribution_id,
        actor_id=actor_id,
        reason=reason,
        status=ContributionStatus.VISIBLE,
    )


def dismiss_flags(session: Session, *, contribution_id: int, actor_id: int, reason: str) -> Contribution:
    """Keep the contribution visible and clear it from the queue (the flags themselves are kept)."""
    reason = _reason(reason)
    contribution = session.get(Contribution, contribution_id)
    if contribution is None:
        raise NotFound("That contribution does not exist.")
    before = {"flag_count": contribution.flag_count, "masked": contribution.masked}
    contribution.flag_count = 0
    contribution.moderated_at = utcnow()
    if contribution.status == ContributionStatus.FLAGGED:
        contribution.status = ContributionStatus.VISIBLE
    session.add(contribution)
    audit.record(
        session,
        actor_id=actor_id,
        action="dismiss_flags",
        target_type="contribution",
        target_id=contribution.id,
        before=before,
        after={"flag_count": 0},
        note=reason,
    )
    return contribution
