"""Move contributions from one theme to another (or add them as secondary members)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from crowd.models import (
    MemberRank,
    MemberSource,
    Theme,
    ThemeMember,
    ThemeStatus,
)
from crowd.services.curation import editing
from crowd.services.curation import log as curation_log
from crowd.services.errors import DomainError, NotFound


def move(
    session: Session,
    *,
    actor_id: int | None,
    theme_id: int,
    version: int | None,
    contribution_ids: Sequence[int],
    to_theme_id: int,
) -> Theme:
    """Move contributions from this theme into another theme of the latest run (sticky both ways)."""
    source = editing.editable_theme(session, theme_id=theme_id)
    target = session.get(Theme, to_theme_id)
    if target is None:
        raise NotFound("The theme to move into does not exist.")
    if target.id == source.id:
        raise DomainError("Choose a different theme to move the contributions into.", field="to_theme_id")
    if target.workshop_id != source.workshop_id:
        raise DomainError(
            "That theme belongs to another workshop: move contributions within one workshop.",
            field="to_theme_id",
        )
    if target.status != ThemeStatus.ACTIVE:
        raise DomainError(
            f'The theme "{target.label}" is {target.status.label.lower()}: choose an active theme.',
            field="to_theme_id",
        )
    latest = editing.latest_run_id(session, source.workshop_id)
    if target.last_run_id != latest:
        raise DomainError(
            f'The theme "{target.label}" is from an older theme run (run {target.last_run_id or "none"}), '
            f"not the latest (run {latest}): move contributions into a theme of the latest run.",
            field="to_theme_id",
        )
    members = set(editing.shown_primary(session, source.id))
    ids = [cid for cid in dict.fromkeys(int(i) for i in contribution_ids) if cid in members]
    if not ids:
        raise DomainError("Tick the contributions to move.", field="contribution_ids")
    curation_log.claim_version(session, theme=source, expected=version)
    before = curation_log.snapshot(session, [source, target])
    old = {"from": curation_log.summary_of(source), "to": curation_log.summary_of(target)}
    target.version += 1
    rows = {
        m.contribution_id: m
        for m in session.exec(
            select(ThemeMember).where(
                ThemeMember.theme_id == source.id, col(ThemeMember.contribution_id).in_(ids)
            )
        )
    }
    for cid in ids:
        row = rows[cid]
        pinned = row.pinned
        row.rank, row.source, row.pinned = MemberRank.EXCLUDED, MemberSource.MODERATOR, False
        session.add(row)
        editing.place(session, theme_id=target.id, contribution_id=cid, pinned=pinned)
    editing.finish(session, [source, target])
    curation_log.record(
        session,
        workshop_id=source.workshop_id,
        actor_id=actor_id,
        action="move",
        summary=f'Moved {len(ids)} contribution{"s" if len(ids) != 1 else ""} from "{source.label}" to "{target.label}"',
        themes_before=before,
        touched=[source.id, target.id],
        before={**old, "contribution_ids": ids},
        after={"from": curation_log.summary_of(source), "to": curation_log.summary_of(target)},
    )
    return target
