"""Merge themes into one: the members move as sticky memberships, the others are marked merged."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from crowd.models import (
    MemberRank,
    Theme,
    ThemeMember,
    ThemeStatus,
)
from crowd.services.curation import editing
from crowd.services.curation import log as curation_log
from crowd.services.errors import DomainError


def merge(
    session: Session,
    *,
    actor_id: int | None,
    theme_ids: Sequence[int],
    versions: dict[int, int] | None = None,
    into_id: int | None = None,
    workshop_id: int | None = None,
) -> Theme:
    """Merge two or more themes into the first (or ``into_id``); the others are kept as merged.
    With ``workshop_id`` (the board's workshop) every chosen theme must be one of that workshop's."""
    ids = [int(i) for i in theme_ids]
    if workshop_id is not None:
        for theme_id in ids:
            if (theme := session.get(Theme, theme_id)) is not None and theme.workshop_id != workshop_id:
                raise DomainError("Choose themes of this workshop.")
    distinct = list(dict.fromkeys(ids))
    if len(ids) >= 2 and len(distinct) == 1:
        raise DomainError("A theme cannot be merged with itself: choose two or more different themes.")
    if len(distinct) < 2:
        raise DomainError("Choose two or more themes to merge.")
    target_id = into_id if into_id in distinct else distinct[0]
    chosen = [editing.editable_theme(session, theme_id=i) for i in distinct]
    if len({t.workshop_id for t in chosen}) != 1:
        raise DomainError("Themes of different workshops cannot be merged.")
    for theme in chosen:
        curation_log.claim_version(session, theme=theme, expected=(versions or {}).get(theme.id))
    before = curation_log.snapshot(session, chosen)
    old = {str(t.id): curation_log.summary_of(t) for t in chosen}
    target = next(t for t in chosen if t.id == target_id)
    sources = [t for t in chosen if t.id != target_id]
    rows = list(session.exec(select(ThemeMember).where(col(ThemeMember.theme_id).in_(distinct))))
    existing = {(m.theme_id, m.contribution_id): m for m in rows}
    for row in rows:
        if row.theme_id == target_id or row.rank == MemberRank.EXCLUDED:
            continue
        session.delete(row)
    session.flush()
    for row in rows:
        if row.theme_id != target_id and row.rank != MemberRank.EXCLUDED:
            editing.place(
                session,
                theme_id=target_id,
                contribution_id=row.contribution_id,
                rank=row.rank,
                pinned=row.pinned,
                existing=existing,
            )
    run_id = editing.latest_run_id(session, target.workshop_id)
    for source in sources:
        source.status = ThemeStatus.MERGED
        source.merged_into_id = target_id
        source.provenance = [
            *source.provenance,
            editing.event("merged_away", run_id, into_theme_id=target_id),
        ]
    target.keywords = list(dict.fromkeys([*target.keywords, *(k for s in sources for k in s.keywords[:3])]))[
        :12
    ]
    target.provenance = [
        *target.provenance,
        {
            **editing.event("merged", run_id),
            "from_theme_ids": [s.id for s in sources],
            "labels": [s.label for s in sources],
        },
    ]
    editing.finish(session, chosen)
    curation_log.record(
        session,
        workshop_id=target.workshop_id,
        actor_id=actor_id,
        action="merge",
        summary=f'Merged {", ".join(repr(s.label) for s in sources)} into "{target.label}"',
        themes_before=before,
        touched=[target_id, *(s.id for s in sources)],
        before=old,
        after={str(t.id): curation_log.summary_of(t) for t in chosen},
    )
    return target
