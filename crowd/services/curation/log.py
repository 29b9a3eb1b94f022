"""The curation undo log: snapshot the themes an action touches, record it (audited), and revert it.

An action stores each touched theme's fields and every member row as they were, and what it created
(themes, evidence, foundation links, foundations). Undo restores the snapshot and removes what was made.
Only the latest live action on each theme can be undone, and never one from before the latest theme run
(the run has re-placed the pipeline's members since).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from crowd.models import (
    CurationAction,
    DeclarationItem,
    Evidence,
    Foundation,
    FoundationTheme,
    MemberRank,
    MemberSource,
    Outcome,
    Theme,
    ThemeMember,
    ThemeStatus,
)
from crowd.models._base import utcnow
from crowd.services import audit
from crowd.services.declaration import foundations
from crowd.services.errors import Conflict, NotFound
from crowd.services.themes.curated import latest_good_run

THEME_CONFLICT = (
    "Someone else changed this theme while you were looking at it. Nothing was changed: "
    "read the theme again and repeat your change if it is still needed."
)
RESTORED_FIELDS = (
    "label",
    "description",
    "keywords",
    "status",
    "reviewed",
    "is_new",
    "curated",
    "merged_into_id",
    "representative_ids",
    "provenance",
    "size",
    "last_run_id",
)


def claim_version(session: Session, *, theme: Theme, expected: int | None) -> None:
    """Bump the theme's version if it is still ``expected`` (atomic on every backend); else Conflict."""
    current = theme.version if expected is None else expected
    done = session.exec(
        update(Theme)
        .where(col(Theme.id) == theme.id, col(Theme.version) == current)
        .values(version=current + 1)
    )
    if done.rowcount != 1:
        raise Conflict(THEME_CONFLICT)
    theme.version = current + 1
    theme.updated_at = utcnow()


def _member_row(m: ThemeMember) -> dict:
    return {
        "theme_id": m.theme_id,
        "contribution_id": m.contribution_id,
        "rank": m.rank.value if hasattr(m.rank, "value") else m.rank,
        "score": m.score,
        "source": m.source.value if hasattr(m.source, "value") else m.source,
        "pinned": m.pinned,
        "run_id": m.run_id,
        "created_at": m.created_at.isoformat() if m.created_at else None,
    }


def snapshot(session: Session, themes: list[Theme]) -> dict:
    """Fields and member rows of the themes, as JSON."""
    ids = [t.id for t in themes]
    rows = session.exec(select(ThemeMember).where(col(ThemeMember.theme_id).in_(ids))).all() if ids else []
    return {
        "themes": [
            {
                "id": t.id,
                **{f: _plain(getattr(t, f)) for f in RESTORED_FIELDS},
                "centroid": t.centroid.hex() if t.centroid is not None else None,
            }
            for t in themes
        ],
        "members": [_member_row(m) for m in rows],
    }


def _plain(value: object) -> object:
    return value.value if hasattr(value, "value") else value


def summary_of(theme: Theme) -> dict:
    """What the audit log shows of a theme."""
    return {
        "label": theme.label,
        "description": theme.description,
        "status": _plain(theme.status),
        "reviewed": theme.reviewed,
        "curated": theme.curated,
        "size": theme.size,
        "version": theme.version,
    }


def record(
    session: Session,
    *,
    workshop_id: int,
    actor_id: int | None,
    action: str,
    summary: str,
    themes_before: dict,
    touched: list[int],
    created: dict | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> CurationAction:
    """Audit the action and keep its undo record."""
    entry = audit.record(
        session,
        actor_id=actor_id,
        action=f"curation.{action}",
        target_type="theme",
        target_id=touched[0] if touched else None,
        before=before,
        after=after,
        note=summary,
    )
    session.flush()
    logged = CurationAction(
        workshop_id=workshop_id,
        actor_id=actor_id,
        action=action,
        summary=summary[:300],
        theme_ids=list(dict.fromkeys(touched)),
        before=themes_before,
        created=created or {},
        audit_id=entry.id,
    )
    session.add(logged)
    session.flush()
    return logged


def get_action(session: Session, action_id: int) -> CurationAction:
    action = session.get(CurationAction, action_id)
    if action is None:
        raise NotFound("That curation action does not exist.")
    return action


def latest_for(
    session: Session, *, theme_id: int, workshop_id: int, limit: int = 50
) -> CurationAction | None:
    """The latest live (not undone) action that touched the theme."""
    candidates = session.exec(
        select(CurationAction)
        .where(CurationAction.workshop_id == workshop_id, col(CurationAction.undone_at).is_(None))
        .order_by(col(CurationAction.id).desc())
        .limit(limit)
    ).all()
    return next((a for a in candidates if theme_id in a.theme_ids), None)


def recent(session: Session, *, workshop_id: int, limit: int = 8) -> list[CurationAction]:
    return list(
        session.exec(
            select(CurationAction)
            .where(CurationAction.workshop_id == workshop_id)
            .order_by(col(CurationAction.id).desc())
            .limit(limit)
        )
    )


def undo(session: Session, *, actor_id: int | None, action_id: int) -> CurationAction:
    """Revert one action (see the module docstring for what may be undone)."""
    action = session.get(CurationAction, action_id)
    if action is None:
        raise NotFound("That curation action does not exist.")
    if action.undone_at is not None:
        raise Conflict("That change has already been undone.")
    for theme_id in action.theme_ids:
        latest = latest_for(session, theme_id=theme_id, workshop_id=action.workshop_id)
        if latest is not None and latest.id != action.id:
            raise Conflict(f'Only the latest change to a theme can be undone: undo "{latest.summary}" first.')
    run = latest_good_run(session, workshop_id=action.workshop_id)
    if run is not None and run.finished_at is not None and _aware(run.finished_at) > _aware(action.at):
        raise Conflict("A theme run has finished since this change, so it can no longer be undone.")
    _remove_created(session, action=action, actor_id=actor_id)
    _restore(session, action=action)
    action.undone_at = utcnow()
    action.undone_by = actor_id
    session.add(action)
    audit.record(
        session,
        actor_id=actor_id,
        action="curation.undo",
        target_type="theme",
        target_id=action.theme_ids[0] if action.theme_ids else None,
        before={"undone_action_id": action.id, "action": action.action},
        note=f"Undid: {action.summary}"[:500],
    )
    return action


def _aware(value: datetime) -> datetime:
    from datetime import UTC

    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _remove_created(session: Session, *, action: CurationAction, actor_id: int | None) -> None:
    created = action.created or {}
    for evidence_id in created.get("evidence_ids", []):
        evidence = session.get(Evidence, evidence_id)
        if evidence is not None:
            foundations.remove_evidence(
                session, actor_id=actor_id, foundation_id=evidence.foundation_id, evidence_id=evidence_id
            )
    session.flush()
    link_ids = created.get("link_ids", [])
    if link_ids:
        session.exec(delete(FoundationTheme).where(col(FoundationTheme.id).in_(link_ids)))
    for foundation_id in created.get("foundation_ids", []):
        _remove_untouched_foundation(session, foundation_id=foundation_id, actor_id=actor_id)
    theme_ids = created.get("theme_ids", [])
    if theme_ids:
        session.exec(delete(ThemeMember).where(col(ThemeMember.theme_id).in_(theme_ids)))
        session.exec(delete(FoundationTheme).where(col(FoundationTheme.theme_id).in_(theme_ids)))
        session.flush()
        for theme_id in theme_ids:
            theme = session.get(Theme, theme_id)
            if theme is not None:
                session.delete(theme)
    session.flush()


def _remove_untouched_foundation(session: Session, *, foundation_id: int, actor_id: int | None) -> None:
    foundation = session.get(Foundation, foundation_id)
    if foundation is None:
        return
    used = sum(
        session.exec(
            select(func.count()).select_from(table).where(table.foundation_id == foundation_id)
        ).one()
        for table in (Evidence, Outcome, DeclarationItem)
    )
    if foundation.version > 1 or used:
        raise Conflict(
            f'The foundation "{foundation.title}" has been worked on since: remove it in the foundations '
            "workspace if it is no longer wanted."
        )
    session.exec(delete(FoundationTheme).where(col(FoundationTheme.foundation_id) == foundation_id))
    audit.record(
        session,
        actor_id=actor_id,
        action="curation.remove_foundation",
        target_type="foundation",
        target_id=foundation_id,
        before=foundation.model_dump(mode="json"),
    )
    session.delete(foundation)


def _restore(session: Session, *, action: CurationAction) -> None:
    before = action.before or {}
    stored = before.get("themes", [])
    ids = [t["id"] for t in stored]
    if not ids:
        return
    keep = [
        m
        for m in session.exec(
            select(ThemeMember).where(
                col(ThemeMember.theme_id).in_(ids), ThemeMember.source == MemberSource.ASSIGNED
            )
        )
        if _aware(m.created_at) > _aware(action.at)
    ]  # contributions the worker placed after the action stay placed
    snapshot_pairs = {(m["theme_id"], m["contribution_id"]) for m in before.get("members", [])}
    kept = [_member_row(m) for m in keep if (m.theme_id, m.contribution_id) not in snapshot_pairs]
    session.exec(delete(ThemeMember).where(col(ThemeMember.theme_id).in_(ids)))
    session.flush()
    for fields in stored:
        theme = session.get(Theme, fields["id"])
        if theme is None:
            continue
        for name in RESTORED_FIELDS:
            setattr(theme, name, ThemeStatus(fields[name]) if name == "status" else fields[name])
        theme.centroid = bytes.fromhex(fields["centroid"]) if fields.get("centroid") else None
        theme.version += 1
        theme.updated_at = utcnow()
        session.add(theme)
    for row in [*before.get("members", []), *kept]:
        made = dict(row)
        made["created_at"] = (
            datetime.fromisoformat(made["created_at"]) if made.get("created_at") else utcnow()
        )
        made["rank"], made["source"] = MemberRank(made["rank"]), MemberSource(made["source"])
        session.add(ThemeMember(**made))
    session.flush()
