"""Unthemed contributions: the shown contributions no theme holds (the run's noise, and later arrivals no
theme was near enough to), browsable by moderators and movable into a theme (a sticky moderator choice)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from crowd.models import Contribution, MemberRank, Theme, ThemeMember, ThemeStatus
from crowd.services.curation import editing
from crowd.services.curation import log as curation_log
from crowd.services.errors import DomainError, NotFound
from crowd.services.workshop.contributions import shown_clause

PAGE = 50


@dataclass
class UnthemedPage:
    rows: list[Contribution]
    total: int  # shown contributions in no theme
    shown: int  # shown contributions of the workshop
    page: int
    pages: int

    @property
    def share(self) -> float:
        return self.total / self.shown if self.shown else 0.0


def _in_a_theme(workshop_id: int):
    return (
        select(ThemeMember.contribution_id)
        .join(Theme, col(Theme.id) == ThemeMember.theme_id)
        .where(
            Theme.workshop_id == workshop_id,
            ThemeMember.rank == MemberRank.PRIMARY,
            col(Theme.status).in_([ThemeStatus.ACTIVE, ThemeStatus.OUT_OF_SCOPE]),
        )
    )


def unthemed(session: Session, *, workshop_id: int, page: int = 1, page_size: int = PAGE) -> UnthemedPage:
    """Shown contributions of the workshop that are the primary member of no current theme, newest last."""
    where = [Contribution.workshop_id == workshop_id, shown_clause()]
    outside = col(Contribution.id).not_in(_in_a_theme(workshop_id))
    total = session.exec(select(func.count()).select_from(Contribution).where(*where, outside)).one()
    shown = session.exec(select(func.count()).select_from(Contribution).where(*where)).one()
    pages = max(1, math.ceil(total / page_size))
    page = min(max(1, page), pages)
    rows = session.exec(
        select(Contribution)
        .where(*where, outside)
        .order_by(col(Contribution.id))
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return UnthemedPage(list(rows), int(total), int(shown), page, pages)


def move_into(
    session: Session,
    *,
    actor_id: int | None,
    workshop_id: int,
    contribution_ids: Sequence[int],
    to_theme_id: int,
) -> Theme:
    """Put unthemed contributions into an active theme of the workshop (runs keep them there)."""
    target = session.get(Theme, to_theme_id)
    if target is None:
        raise NotFound("The theme to move into does not exist.")
    if target.workshop_id != workshop_id:
        raise DomainError("Choose a theme of this workshop.", field="to_theme_id")
    if target.status != ThemeStatus.ACTIVE:
        raise DomainError(
            f'The theme "{target.label}" is {target.status.label.lower()}: choose an active theme.',
            field="to_theme_id",
        )
    wanted = list(dict.fromkeys(int(i) for i in contribution_ids))
    allowed = set(
        session.exec(
            select(Contribution.id).where(
                col(Contribution.id).in_(wanted or [-1]),
                Contribution.workshop_id == workshop_id,
                shown_clause(),
                col(Contribution.id).not_in(_in_a_theme(workshop_id)),
            )
        )
    )
    ids = [cid for cid in wanted if cid in allowed]
    if not ids:
        raise DomainError("Tick the unthemed contributions to move.", field="contribution_ids")
    curation_log.claim_version(session, theme=target, expected=None)
    before = curation_log.snapshot(session, [target])
    old = curation_log.summary_of(target)
    for cid in ids:
        editing.place(session, theme_id=target.id, contribution_id=cid)
    editing.finish(session, [target])
    count = f"{len(ids)} unthemed contribution{'s' if len(ids) != 1 else ''}"
    curation_log.record(
        session,
        workshop_id=workshop_id,
        actor_id=actor_id,
        action="move",
        summary=f'Moved {count} into "{target.label}"',
        themes_before=before,
        touched=[target.id],
        before={"to": old, "contribution_ids": ids},
        after={"to": curation_log.summary_of(target)},
    )
    return target


def targets(session: Session, *, workshop_id: int) -> list[Theme]:
    return list(
        session.exec(
            select(Theme)
            .where(Theme.workshop_id == workshop_id, Theme.status == ThemeStatus.ACTIVE, Theme.size > 0)
            .order_by(col(Theme.label))
        )
    )
