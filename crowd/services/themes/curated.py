"""Curated themes: align a finished run to them, assign newly arrived contributions, and read them.

Alignment (clustering.align: centroid similarity and member overlap, one-to-one):
- a run's cluster that matches a curated theme updates it: same id; its label only when no moderator
  edited it (``curated``); keywords, quotes, centroid and pipeline members from the run;
- an unmatched cluster becomes a new theme (``is_new``);
- a curated theme nothing matched keeps its status and its moderator members, and is shown as
  "not found in the latest run".
Moderator memberships (moves, pins, exclusions) are sticky: runs never delete or contradict them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from clustering import CuratedTheme, Foundation, RunResult, align, assign
from crowd.models import (
    CandidateFoundation,
    Contribution,
    ContributionEmbedding,
    MemberRank,
    MemberSource,
    RunState,
    RunTheme,
    Theme,
    ThemeMember,
    ThemeRun,
    ThemeStatus,
)
from crowd.models._base import utcnow
from crowd.models.themes import pack_vector, unpack_vector
from crowd.services.errors import NotFound
from crowd.services.workshop.contributions import shown_clause

ALIGN_THRESHOLD = 0.5
ASSIGN_THRESHOLD = 0.35
SECONDARY_MARGIN = 0.03
MEMBERS_PAGE = 25
ALIGNABLE = (ThemeStatus.ACTIVE, ThemeStatus.OUT_OF_SCOPE)


def _event(action: str, run_id: int | None, **extra: object) -> dict[str, object]:
    return {"action": action, "run_id": run_id, "from_theme_ids": [], "at": utcnow().isoformat(), **extra}


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / (np.linalg.norm(vector) or 1.0)


# ---------------------------------------------------------------- after a successful run


def apply_run(
    session: Session, *, run: ThemeRun, result: RunResult, vectors: dict[int, np.ndarray]
) -> dict[str, int]:
    """Store the run's snapshot and align the curated themes to it (inside the caller's transaction)."""
    workshop_themes = list(session.exec(select(Theme).where(Theme.workshop_id == run.workshop_id)))
    by_id = {t.id: t for t in workshop_themes}
    alignable = [t for t in workshop_themes if t.status in ALIGNABLE]
    primary_of = _primary_members(session, [t.id for t in alignable])
    for theme in alignable:
        if theme.centroid is None:  # made by hand before its members had vectors (an import, the demo)
            _centre_on_members(theme, primary_of.get(theme.id, []), vectors)
    previous = [t for t in alignable if t.centroid is not None]
    alignment = align(
        previous=[
            CuratedTheme(
                key=str(t.id),
                name=t.label,
                centroid=unpack_vector(t.centroid),
                member_ids=[str(c) for c in primary_of.get(t.id, [])],
            )
            for t in previous
        ],
        themes=result.themes,
        threshold=ALIGN_THRESHOLD,
    )
    sticky = _moderator_rows(session, list(by_id))
    sticky_pairs = {(m.theme_id, m.contribution_id) for m in sticky}
    sticky_primary = {m.contribution_id for m in sticky if m.rank == MemberRank.PRIMARY}
    if by_id:
        session.exec(
            delete(ThemeMember).where(
                col(ThemeMember.theme_id).in_(list(by_id)), col(ThemeMember.source) != MemberSource.MODERATOR
            )
        )
    for theme in workshop_themes:
        theme.is_new = False

    theme_of_index: dict[int, Theme] = {}
    for found in result.themes:
        key = alignment.matches.get(found.index)
        if key is not None:
            theme = by_id[int(key)]
            if not theme.curated:  # a moderator's name and description are never overwritten
                theme.label = found.label[:200]
                theme.description = found.description
                theme.description_ids = [[int(i) for i in ids] for ids in found.description_ids]
            theme.provenance = [
                *theme.provenance,
                _event("matched", run.id, cluster=found.index, score=round(alignment.scores[found.index], 3)),
            ]
        else:
            theme = Theme(
                workshop_id=run.workshop_id,
                label=found.label[:200],
                description=found.description,
                description_ids=[[int(i) for i in ids] for ids in found.description_ids],
                size=found.size,  # what its name counts, until refresh_sizes below counts what it holds
                is_new=True,
                created_in_run_id=run.id,
                provenance=[_event("created", run.id, cluster=found.index)],
            )
        theme.keywords = list(found.keywords)
        theme.name_options = [o for o in found.name_options if o.lower() != theme.label.lower()]
        theme.centroid = pack_vector(found.centroid)
        theme.representative_ids = [int(i) for i in found.representative_ids]
        theme.last_run_id = run.id
        theme.updated_at = utcnow()
        session.add(theme)
        theme_of_index[found.index] = theme
    not_found = [by_id[int(k)] for k in alignment.unmatched_keys]
    for theme in not_found:
        theme.provenance = [*theme.provenance, _event("not_found", run.id)]
        session.add(theme)
    session.flush()

    members: list[ThemeMember] = []
    placed: set[int] = set()
    for found in result.themes:
        theme = theme_of_index[found.index]
        centre = _unit(found.centroid)
        for raw in found.member_ids:
            cid = int(raw)
            placed.add(cid)
            if cid in sticky_primary or (theme.id, cid) in sticky_pairs:
                continue
            members.append(_member(theme.id, cid, MemberRank.PRIMARY, vectors, centre, run.id))
    for raw, index in result.secondary.items():
        cid, theme = int(raw), theme_of_index.get(index)
        if theme is None or (theme.id, cid) in sticky_pairs:
            continue
        members.append(_member(theme.id, cid, MemberRank.SECONDARY, vectors, _unit(_centroid(theme)), run.id))
    members = _unique(members)
    session.add_all(members)
    for found in result.themes:
        session.add(
            RunTheme(
                run_id=run.id,
                cluster=found.index,
                label=found.label[:200],
                keywords=list(found.keywords),
                size=found.size,
                member_ids=[int(i) for i in found.member_ids],
                secondary_ids=[int(i) for i in found.secondary_ids],
                representative_ids=[int(i) for i in found.representative_ids],
                centroid=pack_vector(found.centroid),
                description=found.description,
                name_options=list(found.name_options),
                theme_id=theme_of_index[found.index].id,
                match_score=alignment.scores.get(found.index),
            )
        )
    for position, foundation in enumerate(result.foundations):
        session.add(
            CandidateFoundation(
                run_id=run.id,
                position=position,
                title=_foundation_title(foundation, theme_of_index)[:300],
                statement=foundation.statement,
                theme_ids=[theme_of_index[i].id for i in foundation.theme_indices if i in theme_of_index],
                run_theme_ids=list(foundation.theme_indices),
                quote_ids=[int(i) for i in foundation.quote_ids],
                looks_like=foundation.looks_like,
                how_to_achieve=foundation.how_to_achieve,
                citations={
                    part: [{"text": c.text, "ids": [int(i) for i in c.ids]} for c in sentences]
                    for part, sentences in foundation.citations.items()
                },
                contribution_count=foundation.n_contributions,
            )
        )
    session.flush()
    late = _posted_during_run(session, workshop_id=run.workshop_id, seen=set(run_input_ids(result)))
    assigned = assign_contributions(session, workshop_id=run.workshop_id, contribution_ids=late)
    refresh_sizes(session, workshop_id=run.workshop_id)
    return {
        "contributions": result.n_contributions,
        "themes": len(result.themes),
        "noise": len(result.unthemed_ids),
        "skipped": len(result.skipped_ids),
        "matched": len(alignment.matches),
        "new": len(alignment.new_theme_indices),
        "not_found": len(not_found),
        "foundations": len(result.foundations),
        "assigned_after": len(assigned),
    }


def _foundation_title(foundation: Foundation, theme_of_index: dict[int, Theme]) -> str:
    """The group's title is the name of one of its themes: a moderator's name for it when they gave one."""
    theme = theme_of_index.get(foundation.title_index) if foundation.title_index is not None else None
    return theme.label if theme is not None and theme.curated else foundation.title


def run_input_ids(result: RunResult) -> list[int]:
    return [int(i) for i in [*result.assignments, *result.skipped_ids]]


def _centre_on_members(theme: Theme, member_ids: list[int], vectors: dict[int, np.ndarray]) -> None:
    """The mean of the members' vectors in this run, so the run can match the theme by its centre too."""
    known = [vectors[cid] for cid in member_ids if cid in vectors]
    if known:
        theme.centroid = _mean_centre(known)


def _mean_centre(vectors: list[np.ndarray]) -> bytes:
    """A theme's stored centroid: the unit mean of its members' vectors."""
    return pack_vector(_unit(np.mean(vectors, axis=0)))


def _centroid(theme: Theme) -> np.ndarray:
    return unpack_vector(theme.centroid) if theme.centroid is not None else np.zeros(384, dtype=np.float32)


def _member(
    theme_id: int,
    cid: int,
    rank: MemberRank,
    vectors: dict[int, np.ndarray],
    centre: np.ndarray,
    run_id: int | None,
    source: MemberSource = MemberSource.PIPELINE,
) -> ThemeMember:
    vector = vectors.get(cid)
    score = float(_unit(vector) @ centre) if vector is not None else None
    return ThemeMember(
        theme_id=theme_id, contribution_id=cid, rank=rank, score=score, source=source, run_id=run_id
    )


def _unique(members: list[ThemeMember]) -> list[ThemeMember]:
    """One row per (theme, contribution); a primary row wins over a secondary one."""
    chosen: dict[tuple[int, int], ThemeMember] = {}
    for m in members:
        key = (m.theme_id, m.contribution_id)
        if key not in chosen or (m.rank == MemberRank.PRIMARY and chosen[key].rank != MemberRank.PRIMARY):
            chosen[key] = m
    return list(chosen.values())


def _primary_members(session: Session, theme_ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    if not theme_ids:
        return out
    rows = session.exec(
        select(ThemeMember.theme_id, ThemeMember.contribution_id).where(
            col(ThemeMember.theme_id).in_(theme_ids), ThemeMember.rank == MemberRank.PRIMARY
        )
    )
    for theme_id, cid in rows:
        out.setdefault(theme_id, []).append(cid)
    return out


def _moderator_rows(session: Session, theme_ids: list[int]) -> list[ThemeMember]:
    if not theme_ids:
        return []
    return list(
        session.exec(
            select(ThemeMember).where(
                col(ThemeMember.theme_id).in_(theme_ids), ThemeMember.source == MemberSource.MODERATOR
            )
        )
    )


def _posted_during_run(session: Session, *, workshop_id: int, seen: set[int]) -> list[int]:
    """Shown contributions with a vector that the run did not see (they arrived while it ran)."""
    rows = session.exec(
        select(ContributionEmbedding.contribution_id)
        .join(Contribution, col(Contribution.id) == ContributionEmbedding.contribution_id)
        .where(Contribution.workshop_id == workshop_id, shown_clause())
    )
    return [cid for cid in rows if cid not in seen]


def refresh_sizes(session: Session, *, workshop_id: int) -> None:
    """Recount each theme's shown primary members (the denormalised ``size``; hidden ones drop out)."""
    counts = dict(
        session.exec(
            select(ThemeMember.theme_id, func.count())
            .join(Theme, col(Theme.id) == ThemeMember.theme_id)
            .join(Contribution, col(Contribution.id) == ThemeMember.contribution_id)
            .where(Theme.workshop_id == workshop_id, ThemeMember.rank == MemberRank.PRIMARY, shown_clause())
            .group_by(col(ThemeMember.theme_id))
        ).all()
    )
    for theme in session.exec(select(Theme).where(Theme.workshop_id == workshop_id)):
        size = int(counts.get(theme.id, 0))
        if theme.size != size:
            if not theme.curated:
                theme.label = recount_unnamed(theme.label, was=theme.size, now=size)
                if theme.description.startswith(f"{theme.size} short replies "):  # what naming wrote for it
                    theme.description = f"{size}{theme.description[len(str(theme.size)) :]}"
            theme.size = size
            session.add(theme)


def recount_unnamed(label: str, *, was: int, now: int) -> str:
    """ "Unnamed theme (57 short replies)" counts what the theme holds now (its name is its size). A count of
    short ones among them ("27 replies, 10 of them short") no longer holds once members moved, so it goes."""
    found = _UNNAMED.match(label)
    if found is None or int(found[2]) != was or was == now:
        return label
    return f"{found[1]}{now} {found[3]}){label[found.end() :]}"


_UNNAMED = re.compile(
    r"^(Unnamed theme \()(\d+) (short replies|replies|contributions)(?:, \d+ of them short)?\)"
)


def recompute_centroid(session: Session, *, theme: Theme) -> bool:
    """Set the theme's centroid to the mean vector of its primary members (after a merge, split or move),
    so the next run aligns to what the theme now holds. False when no member has a vector."""
    ids = list(
        session.exec(
            select(ThemeMember.contribution_id).where(
                ThemeMember.theme_id == theme.id, ThemeMember.rank == MemberRank.PRIMARY
            )
        )
    )
    blobs = (
        session.exec(
            select(ContributionEmbedding.vector).where(col(ContributionEmbedding.contribution_id).in_(ids))
        ).all()
        if ids
        else []
    )
    if not blobs:
        return False
    theme.centroid = _mean_centre([unpack_vector(b) for b in blobs])
    session.add(theme)
    return True


# ---------------------------------------------------------------- a contribution arrives after a run


def assign_contributions(
    session: Session, *, workshop_id: int, contribution_ids: list[int]
) -> dict[int, int]:
    """Put each contribution (already embedded, in no theme yet) into its nearest active theme.

    A second theme within ``SECONDARY_MARGIN`` of the first becomes a secondary membership. Returns
    contribution id -> primary theme id for those placed; the rest stay unthemed until the next run.
    """
    if not contribution_ids:
        return {}
    candidates = list(
        session.exec(
            select(Theme).where(
                Theme.workshop_id == workshop_id,
                Theme.status == ThemeStatus.ACTIVE,
                col(Theme.centroid).is_not(None),
            )
        )
    )
    if not candidates:
        return {}
    centroids = {str(t.id): _unit(unpack_vector(t.centroid)) for t in candidates}
    already = set(
        session.exec(
            select(ThemeMember.contribution_id).where(col(ThemeMember.contribution_id).in_(contribution_ids))
        )
    )
    vectors = {
        cid: unpack_vector(blob)
        for cid, blob in session.exec(
            select(ContributionEmbedding.contribution_id, ContributionEmbedding.vector).where(
                col(ContributionEmbedding.contribution_id).in_(contribution_ids)
            )
        )
    }
    placed: dict[int, int] = {}
    for cid in contribution_ids:
        vector = vectors.get(cid)
        if cid in already or vector is None:
            continue
        best = assign(vector=vector, centroids=centroids, threshold=ASSIGN_THRESHOLD)
        if best is None:
            continue
        unit = _unit(vector)
        first = float(unit @ centroids[best])
        session.add(_assigned(int(best), cid, MemberRank.PRIMARY, first))
        placed[cid] = int(best)
        rest = {k: v for k, v in centroids.items() if k != best}
        second = assign(
            vector=vector, centroids=rest, threshold=max(ASSIGN_THRESHOLD, first - SECONDARY_MARGIN)
        )
        if second is not None:
            session.add(_assigned(int(second), cid, MemberRank.SECONDARY, float(unit @ centroids[second])))
    session.flush()
    if placed:
        refresh_sizes(session, workshop_id=workshop_id)
    return placed


def _assigned(theme_id: int, cid: int, rank: MemberRank, score: float) -> ThemeMember:
    return ThemeMember(
        theme_id=theme_id, contribution_id=cid, rank=rank, score=score, source=MemberSource.ASSIGNED
    )


def assign_new(session: Session, *, contribution_ids: list[int]) -> dict[int, int]:
    """Assign freshly embedded contributions, grouped by workshop (the worker calls this after embedding)."""
    placed: dict[int, int] = {}
    rows = session.exec(
        select(Contribution.id, Contribution.workshop_id).where(
            col(Contribution.id).in_(contribution_ids), shown_clause()
        )
    ).all()
    by_workshop: dict[int, list[int]] = {}
    for cid, workshop_id in rows:
        by_workshop.setdefault(workshop_id, []).append(cid)
    for workshop_id, ids in by_workshop.items():
        placed.update(assign_contributions(session, workshop_id=workshop_id, contribution_ids=ids))
    return placed


# ---------------------------------------------------------------- reading themes for the pages


@dataclass(frozen=True)
class ThemeSummary:
    theme: Theme
    found_in_latest: bool


def latest_good_run(session: Session, *, workshop_id: int) -> ThemeRun | None:
    """The workshop's newest run that succeeded: the one the theme pages and the curation board read."""
    return session.exec(
        select(ThemeRun)
        .where(ThemeRun.workshop_id == workshop_id, ThemeRun.status == RunState.SUCCEEDED)
        .order_by(col(ThemeRun.id).desc())
    ).first()


def theme_exists(session: Session, theme_id: int) -> bool:
    return session.get(Theme, theme_id) is not None


def run_or_none(session: Session, run_id: int | None) -> ThemeRun | None:
    """The run with this number, or None (a theme made by a moderator has no run)."""
    return session.get(ThemeRun, run_id) if run_id else None


def theme_or_none(session: Session, theme_id: int | None) -> Theme | None:
    return session.get(Theme, theme_id) if theme_id else None


def other_active_themes(session: Session, *, workshop_id: int, theme_id: int) -> list[Theme]:
    """The workshop's active themes but this one, by label: where its members can be moved to."""
    return list(
        session.exec(
            select(Theme)
            .where(Theme.workshop_id == workshop_id, Theme.status == ThemeStatus.ACTIVE, Theme.id != theme_id)
            .order_by(col(Theme.label))
        )
    )


def run_contents(session: Session, run: ThemeRun) -> tuple[list[RunTheme], list[CandidateFoundation]]:
    """A run's frozen themes by cluster and its candidate foundations in order."""
    run_themes = session.exec(
        select(RunTheme).where(RunTheme.run_id == run.id).order_by(col(RunTheme.cluster))
    )
    candidates = session.exec(
        select(CandidateFoundation)
        .where(CandidateFoundation.run_id == run.id)
        .order_by(col(CandidateFoundation.position))
    )
    return list(run_themes), list(candidates)


def list_themes(session: Session, *, workshop_id: int) -> list[ThemeSummary]:
    latest = latest_good_run(session, workshop_id=workshop_id)
    items = session.exec(
        select(Theme)
        .where(Theme.workshop_id == workshop_id)
        .order_by(col(Theme.status), col(Theme.size).desc(), col(Theme.id))
    )
    return [ThemeSummary(t, latest is not None and t.last_run_id == latest.id) for t in items]


def get_theme(session: Session, theme_id: int) -> Theme:
    theme = session.get(Theme, theme_id)
    if theme is None:
        raise NotFound("That theme does not exist.")
    return theme


@dataclass(frozen=True)
class Support:
    agree: int
    disagree: int

    @property
    def share(self) -> float | None:
        total = self.agree + self.disagree
        return self.agree / total if total else None


def support_of(session: Session, *, theme_id: int) -> Support:
    """Agree and disagree votes summed over the theme's shown primary members."""
    agree, disagree = session.exec(
        select(
            func.coalesce(func.sum(Contribution.agree_count), 0),
            func.coalesce(func.sum(Contribution.disagree_count), 0),
        )
        .join(ThemeMember, col(ThemeMember.contribution_id) == Contribution.id)
        .where(ThemeMember.theme_id == theme_id, ThemeMember.rank == MemberRank.PRIMARY, shown_clause())
    ).one()
    return Support(int(agree), int(disagree))


def quotes_of(session: Session, theme: Theme) -> list[Contribution]:
    ids = [int(i) for i in theme.representative_ids]
    if not ids:
        return []
    found = {
        c.id: c
        for c in session.exec(select(Contribution).where(col(Contribution.id).in_(ids), shown_clause()))
    }
    return [found[i] for i in ids if i in found]


def member_counts(session: Session, *, theme_id: int) -> tuple[int, int]:
    """(primary, secondary) shown members: the theme's one size, and those that also touch it."""
    return member_counts_of(session, theme_ids=[theme_id]).get(theme_id, (0, 0))


def member_counts_of(session: Session, *, theme_ids: list[int]) -> dict[int, tuple[int, int]]:
    """``member_counts`` of many themes in one query: theme id -> (primary, secondary)."""
    counts: dict[int, dict] = {t: {} for t in theme_ids}
    if not theme_ids:
        return {}
    for theme_id, rank, n in session.exec(
        select(ThemeMember.theme_id, ThemeMember.rank, func.count())
        .join(Contribution, col(Contribution.id) == ThemeMember.contribution_id)
        .where(col(ThemeMember.theme_id).in_(theme_ids), shown_clause())
        .group_by(col(ThemeMember.theme_id), col(ThemeMember.rank))
    ).all():
        counts[theme_id][rank] = n
    return {
        t: (int(c.get(MemberRank.PRIMARY, 0)), int(c.get(MemberRank.SECONDARY, 0))) for t, c in counts.items()
    }


@dataclass(frozen=True)
class Quote:
    """A representative contribution and who it speaks for (the name only when they agreed to be quoted)."""

    contribution: Contribution
    role: str  # staff, service_user, carer, other or "" when unknown
    name: str  # the display name when the author consented to be quoted, else ""

    @property
    def role_label(self) -> str:
        return self.role.replace("_", " ").capitalize() if self.role else ""


QUOTE_POOL = 60


def representative_quotes(session: Session, *, theme: Theme, count: int = 5) -> list[Quote]:
    """3-5 quotes from the theme's most central shown members, each from a different person and, where
    the theme has them, different roles and streams, preferring people who consented to be quoted. Short
    replies and texts with masked personal data are never quoted."""
    return representative_quotes_of(session, theme_ids=[theme.id], count=count).get(theme.id, [])


def representative_quotes_of(
    session: Session, *, theme_ids: list[int], count: int = 5
) -> dict[int, list[Quote]]:
    """``representative_quotes`` of many themes in one query: theme id -> quotes."""
    from crowd.models import Participant

    if not theme_ids:
        return {}
    place = (
        func.row_number()
        .over(
            partition_by=col(ThemeMember.theme_id),
            order_by=(col(ThemeMember.pinned).desc(), col(ThemeMember.score).desc(), col(Contribution.id)),
        )
        .label("place")
    )
    ranked = (
        select(
            col(ThemeMember.theme_id).label("theme_id"),
            col(Contribution.id).label("contribution_id"),
            place,
        )
        .join(Contribution, col(Contribution.id) == ThemeMember.contribution_id)
        .where(
            col(ThemeMember.theme_id).in_(theme_ids), ThemeMember.rank == MemberRank.PRIMARY, shown_clause()
        )
        .subquery()
    )
    rows = session.exec(
        select(
            ranked.c.theme_id,
            Contribution,
            Participant.role,
            Participant.consent_quote,
            Participant.display_name,
        )
        .join(Contribution, col(Contribution.id) == ranked.c.contribution_id)
        .outerjoin(Participant, col(Participant.id) == Contribution.author_id)
        .where(ranked.c.place <= QUOTE_POOL)
        .order_by(ranked.c.theme_id, ranked.c.place)
    ).all()
    pools: dict[int, list[tuple]] = {t: [] for t in theme_ids}
    for theme_id, c, role, consent, name in rows:
        rank = len(pools[theme_id])
        pools[theme_id].append((rank, c, role, consent, name))
    return {t: _pick_quotes(pool, count) for t, pool in pools.items()}


def _pick_quotes(rows: list[tuple], count: int) -> list[Quote]:
    from clustering.sentences import has_personal_data, is_short_reply

    pool = []
    for rank, c, role, consent, name in rows:
        if c.masked or has_personal_data(c.text) or is_short_reply(c.text):
            continue
        who = str(getattr(role, "value", role) or c.source_role or "")
        author = f"p{c.author_id}" if c.author_id is not None else f"c{c.id}"
        pool.append((rank, c, who, bool(consent), name or "", author))
    chosen: list[tuple] = []
    while pool and len(chosen) < count:
        best = max(pool, key=lambda item: _quote_value(item, chosen))
        if _quote_value(best, chosen) == float("-inf"):
            break
        chosen.append(best)
        pool.remove(best)
    chosen.sort(key=lambda q: q[0])
    return [
        Quote(contribution=c, role=who, name=name if consent else "")
        for _, c, who, consent, name, _ in chosen
    ]


def _echoes(one: str, other: str) -> bool:
    """The same point again ("So true. Report every outcome by borough ..." after the idea itself)."""
    from clustering.sentences import content_words

    a, b = ({w.lower() for w in content_words(t)} for t in (one, other))
    return bool(a and b) and len(a & b) / min(len(a), len(b)) >= 0.6


def _quote_value(item: tuple, chosen: list[tuple]) -> float:
    """Closer to the centre first; a new role, a new stream and consent to be quoted count for more; the
    same person twice, or the same point twice, never."""
    rank, c, who, consent, _, author = item
    if any(author == q[5] or _echoes(c.text, q[1].text) for q in chosen):
        return float("-inf")
    new_role = who not in {q[2] for q in chosen}
    new_stream = c.stream not in {q[1].stream for q in chosen}
    return -rank / QUOTE_POOL + 0.6 * new_role + 0.3 * new_stream + 0.4 * consent


@dataclass
class MemberPage:
    rows: list[tuple[ThemeMember, Contribution]]
    total: int
    page: int
    pages: int


def members_of(
    session: Session, *, theme_id: int, page: int = 1, page_size: int = MEMBERS_PAGE
) -> MemberPage:
    """Shown members, primary first, then by similarity to the theme's centre."""
    where = [ThemeMember.theme_id == theme_id, ThemeMember.rank != MemberRank.EXCLUDED, shown_clause()]
    base = select(ThemeMember, Contribution).join(
        Contribution, col(Contribution.id) == ThemeMember.contribution_id
    )
    total = session.exec(
        select(func.count())
        .select_from(ThemeMember)
        .join(Contribution, col(Contribution.id) == ThemeMember.contribution_id)
        .where(*where)
    ).one()
    pages = max(1, math.ceil(total / page_size))
    page = min(max(1, page), pages)
    rows = session.exec(
        base.where(*where)
        .order_by(col(ThemeMember.rank), col(ThemeMember.score).desc(), col(ThemeMember.contribution_id))
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return MemberPage([(m, c) for m, c in rows], total, page, pages)
