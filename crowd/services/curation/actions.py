"""Curation actions on themes: rename, mark, merge, split, move, pin quotes, promote and group.

Every action is one short transaction: check the theme's version (two moderators cannot overwrite each
other), snapshot what it touches (``curation_log``), change it, audit it with before and after.
Moderator memberships (``source=moderator``) are sticky across theme runs, and a renamed theme is
``curated`` so runs never rename it: the next run's alignment keeps every decision made here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from sqlmodel import Session, col, select

from crowd.models import (
    CandidateFoundation,
    Contribution,
    ContributionEmbedding,
    FoundationTheme,
    MemberRank,
    MemberSource,
    Theme,
    ThemeMember,
    ThemeStatus,
)
from crowd.models._base import utcnow
from crowd.models.themes import unpack_vector
from crowd.services.curation import log as curation_log
from crowd.services.declaration import foundations
from crowd.services.errors import Conflict, DomainError, NotFound, ValidationFailed
from crowd.services.themes import curated as themes
from crowd.services.themes.runs import latest_good_run
from crowd.services.workshop.contributions import shown_clause

EDITABLE = (ThemeStatus.ACTIVE, ThemeStatus.OUT_OF_SCOPE)
LABEL_LIMIT = 200
DESCRIPTION_LIMIT = 2000
MAX_SPLIT = 12


def _event(action: str, run_id: int | None, **extra: object) -> dict[str, object]:
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


def _latest_run_id(session: Session, workshop_id: int) -> int | None:
    run = latest_good_run(session, workshop_id=workshop_id)
    return run.id if run else None


def _shown_primary(session: Session, theme_id: int) -> list[int]:
    return list(
        session.exec(
            select(ThemeMember.contribution_id)
            .join(Contribution, col(Contribution.id) == ThemeMember.contribution_id)
            .where(ThemeMember.theme_id == theme_id, ThemeMember.rank == MemberRank.PRIMARY, shown_clause())
            .order_by(col(ThemeMember.score).desc(), col(ThemeMember.contribution_id))
        )
    )


def _finish(session: Session, theme_list: Sequence[Theme]) -> None:
    for theme in theme_list:
        if theme.status in EDITABLE:
            themes.recompute_centroid(session, theme=theme)
        session.add(theme)
    session.flush()
    if theme_list:
        themes.refresh_sizes(session, workshop_id=theme_list[0].workshop_id)


# ---------------------------------------------------------------- label, description and marks


def rename(
    session: Session,
    *,
    actor_id: int | None,
    theme_id: int,
    version: int | None,
    label: str,
    description: str = "",
) -> Theme:
    """Set the label and description; the theme becomes curated, so runs keep this label."""
    label, description = " ".join(label.split()), description.replace("\r\n", "\n").strip()
    errors = {}
    if not label:
        errors["label"] = "Enter a name for the theme"
    elif len(label) > LABEL_LIMIT:
        errors["label"] = f"The name must be {LABEL_LIMIT} characters or fewer"
    if len(description) > DESCRIPTION_LIMIT:
        errors["description"] = f"The description must be {DESCRIPTION_LIMIT:,} characters or fewer"
    if errors:
        raise ValidationFailed(errors)

    def change(theme: Theme) -> str:
        summary = f'Renamed "{theme.label}" to "{label}"'
        theme.label, theme.description, theme.curated = label, description, True
        theme.provenance = [
            *theme.provenance,
            _event("renamed", _latest_run_id(session, theme.workshop_id), label=label),
        ]
        return summary

    return _edit_one(
        session, actor_id=actor_id, theme_id=theme_id, version=version, action="rename", change=change
    )


def set_marks(
    session: Session,
    *,
    actor_id: int | None,
    theme_id: int,
    version: int | None,
    reviewed: bool | None = None,
    out_of_scope: bool | None = None,
) -> Theme:
    """Mark a theme reviewed (or not) and out of scope (or back in scope)."""

    def change(theme: Theme) -> str:
        said = []
        if reviewed is not None:
            theme.reviewed = reviewed
            theme.is_new = False if reviewed else theme.is_new
            said.append("reviewed" if reviewed else "not reviewed")
        if out_of_scope is not None:
            theme.status = ThemeStatus.OUT_OF_SCOPE if out_of_scope else ThemeStatus.ACTIVE
            said.append("out of scope" if out_of_scope else "in scope")
            event = "out_of_scope" if out_of_scope else "in_scope"
            theme.provenance = [*theme.provenance, _event(event, _latest_run_id(session, theme.workshop_id))]
        if not said:
            raise DomainError("Choose what to mark.")
        return f'Marked "{theme.label}" {" and ".join(said)}'

    return _edit_one(
        session, actor_id=actor_id, theme_id=theme_id, version=version, action="mark", change=change
    )


def _edit_one(
    session: Session,
    *,
    actor_id: int | None,
    theme_id: int,
    version: int | None,
    action: str,
    change: Callable[[Theme], str],
) -> Theme:
    """Change one theme in place: claim its version (refusing a stale edit), apply `change` (which
    returns the log's summary line) and log the action with the theme before and after."""
    theme = editable_theme(session, theme_id=theme_id)
    curation_log.claim_version(session, theme=theme, expected=version)
    before = curation_log.snapshot(session, [theme])
    old = curation_log.summary_of(theme)
    summary = change(theme)
    session.add(theme)
    curation_log.record(
        session,
        workshop_id=theme.workshop_id,
        actor_id=actor_id,
        action=action,
        summary=summary,
        themes_before=before,
        touched=[theme.id],
        before=old,
        after=curation_log.summary_of(theme),
    )
    return theme


# ---------------------------------------------------------------- merge


def _place(
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


def merge(
    session: Session,
    *,
    actor_id: int | None,
    theme_ids: Sequence[int],
    versions: dict[int, int] | None = None,
    into_id: int | None = None,
) -> Theme:
    """Merge two or more themes into the first (or ``into_id``); the others are kept as merged."""
    ids = [int(i) for i in theme_ids]
    distinct = list(dict.fromkeys(ids))
    if len(ids) >= 2 and len(distinct) == 1:
        raise DomainError("A theme cannot be merged with itself: choose two or more different themes.")
    if len(distinct) < 2:
        raise DomainError("Choose two or more themes to merge.")
    target_id = into_id if into_id in distinct else distinct[0]
    chosen = [editable_theme(session, theme_id=i) for i in distinct]
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
            _place(
                session,
                theme_id=target_id,
                contribution_id=row.contribution_id,
                rank=row.rank,
                pinned=row.pinned,
                existing=existing,
            )
    run_id = _latest_run_id(session, target.workshop_id)
    for source in sources:
        source.status = ThemeStatus.MERGED
        source.merged_into_id = target_id
        source.provenance = [*source.provenance, _event("merged_away", run_id, into_theme_id=target_id)]
    target.keywords = list(dict.fromkeys([*target.keywords, *(k for s in sources for k in s.keywords[:3])]))[
        :12
    ]
    target.provenance = [
        *target.provenance,
        {
            **_event("merged", run_id),
            "from_theme_ids": [s.id for s in sources],
            "labels": [s.label for s in sources],
        },
    ]
    _finish(session, chosen)
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


# ---------------------------------------------------------------- split


def _new_part(source: Theme, *, label: str, run_id: int | None) -> Theme:
    return Theme(
        workshop_id=source.workshop_id,
        label=label[:LABEL_LIMIT],
        keywords=list(source.keywords),
        curated=True,
        last_run_id=run_id,
        provenance=[{**_event("split", run_id), "from_theme_ids": [source.id], "label": source.label}],
    )


def _snippet(session: Session, contribution_id: int, words: int = 8) -> str:
    text = session.get(Contribution, contribution_id).text  # type: ignore[union-attr]
    parts = text.split()
    return " ".join(parts[:words]) + (" ..." if len(parts) > words else "")


def split_kmeans(
    session: Session, *, actor_id: int | None, theme_id: int, version: int | None, k: int
) -> list[Theme]:
    """Re-cluster the theme's members into ``k`` parts (k-means on their stored vectors)."""
    theme = editable_theme(session, theme_id=theme_id)
    members = _shown_primary(session, theme.id)
    if len(members) < 2:
        raise DomainError("A theme of one contribution cannot be split.", field="k")
    if k < 2:
        raise DomainError("Split into at least 2 parts.", field="k")
    if k > len(members) or k > MAX_SPLIT:
        raise DomainError(
            f"This theme has {len(members)} contributions: split it into 2 to {min(len(members), MAX_SPLIT)} parts.",
            field="k",
        )
    vectors = {
        cid: unpack_vector(blob)
        for cid, blob in session.exec(
            select(ContributionEmbedding.contribution_id, ContributionEmbedding.vector).where(
                col(ContributionEmbedding.contribution_id).in_(members)
            )
        )
    }
    with_vectors = [cid for cid in members if cid in vectors]
    if len(with_vectors) < k:
        raise DomainError(
            "Too few of this theme's contributions have been analysed yet to split it.", field="k"
        )
    from sklearn.cluster import KMeans

    matrix = np.stack([vectors[cid] for cid in with_vectors])
    model = KMeans(n_clusters=k, n_init=10, random_state=0).fit(matrix)
    parts: dict[int, list[int]] = {}
    for cid, label in zip(with_vectors, model.labels_, strict=True):
        parts.setdefault(int(label), []).append(cid)
    leftovers = [cid for cid in members if cid not in vectors]
    ordered = sorted(parts.values(), key=len, reverse=True)
    ordered[0].extend(leftovers)  # not analysed yet: they stay with the largest part
    centres = []
    for part in ordered:
        centre = np.mean([vectors[c] for c in part if c in vectors], axis=0)
        centres.append(max(part, key=lambda c: float(vectors[c] @ centre) if c in vectors else -1.0))
    groups = [
        (part, f"{theme.label}: {_snippet(session, centre)}")
        for part, centre in zip(ordered, centres, strict=True)
    ]
    return _split(session, actor_id=actor_id, theme=theme, version=version, groups=groups, retire=True)


def split_pick(
    session: Session,
    *,
    actor_id: int | None,
    theme_id: int,
    version: int | None,
    contribution_ids: Sequence[int],
    label: str = "",
) -> list[Theme]:
    """Take the picked contributions out of the theme into a new theme."""
    theme = editable_theme(session, theme_id=theme_id)
    members = _shown_primary(session, theme.id)
    if len(members) < 2:
        raise DomainError("A theme of one contribution cannot be split.")
    picked = [cid for cid in dict.fromkeys(int(i) for i in contribution_ids) if cid in set(members)]
    if not picked:
        raise DomainError("Tick the contributions to take out into a new theme.")
    if len(picked) == len(members):
        raise DomainError("Leave at least one contribution in this theme.")
    label = " ".join(label.split()) or f"{theme.label}: {_snippet(session, picked[0])}"
    if len(label) > LABEL_LIMIT:
        raise DomainError(f"The name must be {LABEL_LIMIT} characters or fewer.", field="label")
    return _split(
        session, actor_id=actor_id, theme=theme, version=version, groups=[(picked, label)], retire=False
    )


def _split(
    session: Session,
    *,
    actor_id: int | None,
    theme: Theme,
    version: int | None,
    groups: list[tuple[list[int], str]],
    retire: bool,
) -> list[Theme]:
    curation_log.claim_version(session, theme=theme, expected=version)
    before = curation_log.snapshot(session, [theme])
    old = curation_log.summary_of(theme)
    run_id = _latest_run_id(session, theme.workshop_id)
    moving = {cid for part, _ in groups for cid in part}
    rows = list(session.exec(select(ThemeMember).where(ThemeMember.theme_id == theme.id)))
    pinned = {m.contribution_id for m in rows if m.pinned}
    for row in rows:
        if retire or row.contribution_id in moving:
            session.delete(row)
    session.flush()
    made = [_new_part(theme, label=label, run_id=run_id) for _, label in groups]
    session.add_all(made)
    session.flush()
    for (part, _), new in zip(groups, made, strict=True):
        for cid in part:
            _place(session, theme_id=new.id, contribution_id=cid, pinned=cid in pinned)
    new_ids = [t.id for t in made]
    if retire:
        theme.status = ThemeStatus.SPLIT
    theme.provenance = [*theme.provenance, {**_event("split_up", run_id), "into_theme_ids": new_ids}]
    _finish(session, [theme, *made])
    curation_log.record(
        session,
        workshop_id=theme.workshop_id,
        actor_id=actor_id,
        action="split",
        summary=f'Split "{theme.label}" into {len(made) + (0 if retire else 1)} themes',
        themes_before=before,
        touched=[theme.id, *new_ids],
        created={"theme_ids": new_ids},
        before=old,
        after={"theme": curation_log.summary_of(theme), "new": [curation_log.summary_of(t) for t in made]},
    )
    return made


# ---------------------------------------------------------------- move


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
    source = editable_theme(session, theme_id=theme_id)
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
    latest = _latest_run_id(session, source.workshop_id)
    if target.last_run_id != latest:
        raise DomainError(
            f'The theme "{target.label}" is from an older theme run (run {target.last_run_id or "none"}), '
            f"not the latest (run {latest}): move contributions into a theme of the latest run.",
            field="to_theme_id",
        )
    members = set(_shown_primary(session, source.id))
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
        _place(session, theme_id=target.id, contribution_id=cid, pinned=pinned)
    _finish(session, [source, target])
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


# ---------------------------------------------------------------- quotes, foundations


def pin_quote(
    session: Session, *, actor_id: int | None, theme_id: int, contribution_id: int, foundation_id: int
) -> ThemeMember:
    """Pin a member of the theme as quote evidence of a foundation (the foundations service stores it)."""
    theme = editable_theme(session, theme_id=theme_id)
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
    theme = editable_theme(session, theme_id=theme_id)
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
    theme = editable_theme(session, theme_id=theme_id)
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
    """A new draft foundation from a run's candidate: its title and statement, its themes grouped under
    it, its quotes pinned as evidence."""
    candidate = session.get(CandidateFoundation, candidate_id)
    if candidate is None:
        raise NotFound("That candidate foundation does not exist.")
    linked = [
        t
        for t in (session.get(Theme, i) for i in candidate.theme_ids)
        if t is not None and t.status in EDITABLE
    ]
    before = curation_log.snapshot(session, linked)
    foundation = foundations.create_foundation(
        session, actor_id=actor_id, title=candidate.title[:200], statement=candidate.statement
    )
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
