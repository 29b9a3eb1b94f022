"""What every curation action shares: the editable check, provenance events, sticky memberships, finishing.

Every action is one short transaction: check the theme's version (two moderators cannot overwrite each
other), snapshot what it touches (``curation.log``), change it, audit it with before and after.

Moderator memberships (``source=moderator``) are sticky across theme runs, and a renamed theme is
``curated`` so runs never rename it: the next run's alignment keeps every decision made here.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from crowd.models import (
    Contribution,
    MemberRank,
    MemberSource,
    Theme,
    ThemeMember,
    ThemeStatus,
)
from crowd.models._base import utcnow
from crowd.services.errors import Conflict, NotFound
from crowd.services.themes import curated as themes
from crowd.services.workshop.contributions import shown_clause

EDITABLE = (ThemeStatus.ACTIVE, ThemeStatus.OUT_OF_SCOPE)
LABEL_LIMIT = 200
DESCRIPTION_LIMIT = 2000
MAX_SPLIT = 12


def event(action: str, run_id: int | None, **extra: object) -> dict[str, object]:
    return {"action": action, "run_id": run_id, "from_theme_ids": [], "at": utcnow().isoformat(), **extra}


def editable_theme(session: Session, *, theme_id: int, workshop_id: int | None = None) -> Theme:
    theme = session.get(Theme, theme_id)
    if theme is None or (workshop_id is not None and theme.workshop_id != workshop_id):
        raise NotFound("That theme does not exist.")
    if theme.status not in EDITABLE:
        where = f" into theme {theme.merged_into_id}" if theme.merged_into_id else ""
        raise Conflict(
            f'The theme "{theme.label}" was {theme.status.label.lower()}{where}; it can no longer change.'
        )
    return theme


def latest_run_id(session: Session, workshop_id: int) -> int | None:
    run = themes.latest_good_run(session, workshop_id=workshop_id)
    return run.id if run else None


def shown_primary(session: Session, theme_id: int) -> list[int]:
    return list(
        session.exec(
            select(ThemeMember.contribution_id)
            .join(Contribution, col(Contribution.id) == ThemeMember.contribution_id)
            .where(ThemeMember.theme_id == theme_id, ThemeMember.rank == MemberRank.PRIMARY, shown_clause())
            .order_by(col(ThemeMember.score).desc(), col(ThemeMember.contribution_id))
        )
    )


def finish(session: Session, theme_list: Sequence[Theme]) -> None:
    for theme in theme_list:
        if theme.status in EDITABLE:
            themes.recompute_centroid(session, theme=theme)
        session.add(theme)
    session.flush()
    if theme_list:
        themes.refresh_sizes(session, workshop_id=theme_list[0].workshop_id)


def place(
    session: Session,
    *,
    theme_id: int,
    contribution_id: int,
    rank: MemberRank = MemberRank.PRIMARY,
    pinned: bool = False,
    existing: dict[tuple[int, int], ThemeMember] | None = None,
) -> None:
    """Put a contribution into a theme as a moderator's (sticky) membership."""
    row = (existing or {}).get((theme_id, contribution_id)) or session.exec(
        select(ThemeMember).where(
            ThemeMember.theme_id == theme_id, ThemeMember.contribution_id == contribution_id
        )
    ).first()
    if row is None:
        row = ThemeMember(theme_id=theme_id, contribution_id=contribution_id, rank=rank)
    elif row.rank != MemberRank.PRIMARY:
        row.rank = rank
    row.source = MemberSource.MODERATOR
    row.pinned = row.pinned or pinned
    session.add(row)
