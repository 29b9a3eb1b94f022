"""From themes to foundations: pin a quote as evidence, group themes under a foundation, promote a theme or a candidate."""

from __future__ import annotations

from sqlmodel import Session, col, select

from crowd.models import (
    CandidateFoundation,
    Contribution,
    FoundationTheme,
    MemberRank,
    MemberSource,
    Theme,
    ThemeMember,
)
from crowd.services.curation import editing
from crowd.services.curation import log as curation_log
from crowd.services.declaration import foundations
from crowd.services.errors import DomainError, NotFound
from crowd.services.workshop.contributions import shown_clause


def pin_quote(
    session: Session, *, actor_id: int | None, theme_id: int, contribution_id: int, foundation_id: int
) -> ThemeMember:
    """Pin a member of the theme as quote evidence of a foundation (the foundations service stores it)."""
    theme = editing.editable_theme(session, theme_id=theme_id)
    row = session.exec(
        select(ThemeMember).where(
            ThemeMember.theme_id == theme.id, ThemeMember.contribution_id == contribution_id
        )
    ).first()
    if row is None or row.rank == MemberRank.EXCLUDED:
        raise DomainError("That contribution is not in this theme.")
    before = curation_log.snapshot(session, [theme])
    evidence = foundations.add_evidence(
        session, actor_id=actor_id, foundation_id=foundation_id, kind="quote", contribution_id=contribution_id
    )
    row.pinned, row.source = True, MemberSource.MODERATOR
    session.add(row)
    foundation = foundations.get_foundation(session, foundation_id)
    curation_log.record(
        session,
        workshop_id=theme.workshop_id,
        actor_id=actor_id,
        action="pin",
        summary=f'Pinned contribution {contribution_id} of "{theme.label}" to "{foundation.title}"',
        themes_before=before,
        touched=[theme.id],
        created={"evidence_ids": [evidence.id]},
        after={
            "contribution_id": contribution_id,
            "foundation_id": foundation_id,
            "evidence_id": evidence.id,
        },
    )
    return row


def _link(
    session: Session, *, foundation_id: int, theme_id: int, actor_id: int | None
) -> FoundationTheme | None:
    exists = session.exec(
        select(FoundationTheme).where(
            FoundationTheme.foundation_id == foundation_id, FoundationTheme.theme_id == theme_id
        )
    ).first()
    if exists is not None:
        return None
    link = FoundationTheme(foundation_id=foundation_id, theme_id=theme_id, created_by=actor_id)
    session.add(link)
    session.flush()
    return link


def group_under(
    session: Session, *, actor_id: int | None, theme_id: int, foundation_id: int
) -> FoundationTheme:
    """Group the theme under a foundation."""
    theme = editing.editable_theme(session, theme_id=theme_id)
    foundation = foundations.get_foundation(session, foundation_id)
    before = curation_log.snapshot(session, [theme])
    link = _link(session, foundation_id=foundation.id, theme_id=theme.id, actor_id=actor_id)
    if link is None:
        raise DomainError(
            f'"{theme.label}" is already grouped under "{foundation.title}".', field="foundation_id"
        )
    curation_log.record(
        session,
        workshop_id=theme.workshop_id,
        actor_id=actor_id,
        action="group",
        summary=f'Grouped "{theme.label}" under "{foundation.title}"',
        themes_before=before,
        touched=[theme.id],
        created={"link_ids": [link.id]},
        after={"foundation_id": foundation.id, "theme_id": theme.id},
    )
    return link


def promote_theme(session: Session, *, actor_id: int | None, theme_id: int):
    """A new draft foundation from a theme: its label and description, the theme grouped under it."""
    theme = editing.editable_theme(session, theme_id=theme_id)
    before = curation_log.snapshot(session, [theme])
    foundation = foundations.create_foundation(
        session, actor_id=actor_id, title=theme.label, statement=theme.description
    )
    link = _link(session, foundation_id=foundation.id, theme_id=theme.id, actor_id=actor_id)
    curation_log.record(
        session,
        workshop_id=theme.workshop_id,
        actor_id=actor_id,
        action="promote",
        summary=f'Promoted "{theme.label}" to a foundation',
        themes_before=before,
        touched=[theme.id],
        created={"foundation_ids": [foundation.id], "link_ids": [link.id] if link else []},
        after={"foundation_id": foundation.id},
    )
    return foundation


def promote_candidate(session: Session, *, actor_id: int | None, candidate_id: int):
    """A new draft foundation from a run's candidate: its title and drafted text (marked as drafted by
    crowd, with the sentences' sources), its themes grouped under it, its quotes pinned as evidence."""
    candidate = session.get(CandidateFoundation, candidate_id)
    if candidate is None:
        raise NotFound("That candidate foundation does not exist.")
    linked = [
        t
        for t in (session.get(Theme, i) for i in candidate.theme_ids)
        if t is not None and t.status in editing.EDITABLE
    ]
    before = curation_log.snapshot(session, linked)
    foundation = foundations.create_foundation(
        session,
        actor_id=actor_id,
        title=candidate.title[:200],
        statement=candidate.statement,
        looks_like=candidate.looks_like,
        how_to_achieve=candidate.how_to_achieve,
    )
    # still a machine draft, with its sources, until a person saves the foundation
    foundation.drafted_from = candidate.contribution_count or sum(t.size for t in linked)
    foundation.draft_citations = dict(candidate.citations or {})
    session.add(foundation)
    links = [_link(session, foundation_id=foundation.id, theme_id=t.id, actor_id=actor_id) for t in linked]
    evidence = []
    shown = set(
        session.exec(
            select(Contribution.id).where(
                col(Contribution.id).in_(candidate.quote_ids or [-1]), shown_clause()
            )
        )
    )
    for cid in candidate.quote_ids:
        if cid in shown:
            evidence.append(
                foundations.add_evidence(
                    session, actor_id=actor_id, foundation_id=foundation.id, kind="quote", contribution_id=cid
                ).id
            )
    workshop_id = linked[0].workshop_id if linked else None
    if workshop_id is not None:
        curation_log.record(
            session,
            workshop_id=workshop_id,
            actor_id=actor_id,
            action="promote",
            summary=f'Promoted the candidate "{candidate.title[:80]}" to a foundation',
            themes_before=before,
            touched=[t.id for t in linked],
            created={
                "foundation_ids": [foundation.id],
                "link_ids": [x.id for x in links if x],
                "evidence_ids": evidence,
            },
            after={"foundation_id": foundation.id},
        )
    return foundation


def foundations_of(session: Session, *, theme_id: int) -> list:
    from crowd.models import Foundation

    return list(
        session.exec(
            select(Foundation)
            .join(FoundationTheme, col(FoundationTheme.foundation_id) == Foundation.id)
            .where(FoundationTheme.theme_id == theme_id)
            .order_by(col(Foundation.position), col(Foundation.id))
        )
    )


def themes_of_foundation(session: Session, *, foundation_id: int) -> list[Theme]:
    return list(
        session.exec(
            select(Theme)
            .join(FoundationTheme, col(FoundationTheme.theme_id) == Theme.id)
            .where(FoundationTheme.foundation_id == foundation_id)
            .order_by(col(Theme.label))
        )
    )
