"""Split a theme in two or more, by k-means on its members' vectors or by the moderator's picks."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sqlmodel import Session, col, select

from crowd.models import (
    Contribution,
    ContributionEmbedding,
    Theme,
    ThemeMember,
    ThemeStatus,
)
from crowd.models.themes import unpack_vector
from crowd.services.curation import editing
from crowd.services.curation import log as curation_log
from crowd.services.errors import DomainError


def _new_part(source: Theme, *, label: str, run_id: int | None) -> Theme:
    return Theme(
        workshop_id=source.workshop_id,
        label=label[: editing.LABEL_LIMIT],
        keywords=list(source.keywords),
        curated=True,
        last_run_id=run_id,
        provenance=[{**editing.event("split", run_id), "from_theme_ids": [source.id], "label": source.label}],
    )


def _snippet(session: Session, contribution_id: int, words: int = 8) -> str:
    text = session.get(Contribution, contribution_id).text
    parts = text.split()
    return " ".join(parts[:words]) + (" ..." if len(parts) > words else "")


def split_kmeans(
    session: Session, *, actor_id: int | None, theme_id: int, version: int | None, k: int
) -> list[Theme]:
    """Re-cluster the theme's members into ``k`` parts (k-means on their stored vectors)."""
    theme = editing.editable_theme(session, theme_id=theme_id)
    members = editing.shown_primary(session, theme.id)
    if len(members) < 2:
        raise DomainError("A theme of one contribution cannot be split.", field="k")
    if k < 2:
        raise DomainError("Split into at least 2 parts.", field="k")
    if k > len(members) or k > editing.MAX_SPLIT:
        raise DomainError(
            f"This theme has {len(members)} contributions: split it into 2 to {min(len(members), editing.MAX_SPLIT)} parts.",
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
    theme = editing.editable_theme(session, theme_id=theme_id)
    members = editing.shown_primary(session, theme.id)
    if len(members) < 2:
        raise DomainError("A theme of one contribution cannot be split.")
    picked = [cid for cid in dict.fromkeys(int(i) for i in contribution_ids) if cid in set(members)]
    if not picked:
        raise DomainError("Tick the contributions to take out into a new theme.")
    if len(picked) == len(members):
        raise DomainError("Leave at least one contribution in this theme.")
    label = " ".join(label.split()) or f"{theme.label}: {_snippet(session, picked[0])}"
    if len(label) > editing.LABEL_LIMIT:
        raise DomainError(f"The name must be {editing.LABEL_LIMIT} characters or fewer.", field="label")
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
    run_id = editing.latest_run_id(session, theme.workshop_id)
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
            editing.place(session, theme_id=new.id, contribution_id=cid, pinned=cid in pinned)
    new_ids = [t.id for t in made]
    if retire:
        theme.status = ThemeStatus.SPLIT
    theme.provenance = [*theme.provenance, {**editing.event("split_up", run_id), "into_theme_ids": new_ids}]
    editing.finish(session, [theme, *made])
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
