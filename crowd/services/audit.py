"""Write audit entries; entries are only ever added, never edited through the app."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, SQLModel, col, select

from crowd.models import AuditEntry


def record(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    target_type: str,
    target_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
) -> AuditEntry:
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        before=before,
        after=after,
        note=note[:500],
    )
    session.add(entry)
    return entry


def record_saved(
    session: Session,
    row: SQLModel,
    *,
    actor_id: int | None,
    action: str,
    target_type: str,
    before: dict | None = None,
) -> AuditEntry:
    """Save a new or changed row (add, flush for its id) and log it with its stored values as `after`."""
    session.add(row)
    session.flush()
    return record(
        session,
        actor_id=actor_id,
        action=action,
        target_type=target_type,
        target_id=row.id,  # type: ignore[attr-defined]  # every table row has an id; the parameter is typed as any SQLModel
        before=before,
        after=row.model_dump(mode="json"),
    )


def entries(
    session: Session,
    *,
    action: str | None = None,
    target_type: str | None = None,
    actor_id: int | None = None,
    target_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditEntry]:
    """Newest first; ``until`` is exclusive. ``action`` ending in ``.`` matches every action with that prefix."""
    query = select(AuditEntry)
    if target_id is not None:
        query = query.where(AuditEntry.target_id == target_id)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    if action and action.endswith("."):
        query = query.where(col(AuditEntry.action).startswith(action))
    elif action:
        query = query.where(AuditEntry.action == action)
    if target_type:
        query = query.where(AuditEntry.target_type == target_type)
    if actor_id:
        query = query.where(AuditEntry.actor_id == actor_id)
    query = query.order_by(col(AuditEntry.id).desc()).offset(offset).limit(limit)
    return list(session.exec(query))
