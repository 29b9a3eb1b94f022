"""One opinion analysis run: votes in, groups, representative statements and consensus out."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace

import numpy as np
import scipy.sparse as sp

from opinions.consensus import consensus_statements, divisive_statements, majority_statements
from opinions.groups import Clustering, cluster_participants, clustered_mask
from opinions.matrix import VoteMatrix, VoteRow, build_vote_matrix
from opinions.projection import Projection, project
from opinions.repness import GroupVoteCounts, repness_stats, select_representative
from opinions.results import (
    Composition,
    Group,
    Id,
    OpinionParams,
    OpinionResult,
    Point,
    WarmState,
)

NOT_ENOUGH = "not enough votes to form groups"


class _Clock:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self.started = time.perf_counter()

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.timings[name] = round(time.perf_counter() - start, 4)

    def done(self) -> dict[str, float]:
        return {**self.timings, "total": round(time.perf_counter() - self.started, 4)}


def _make_up(members: Iterable[Id], attributes: Mapping[Id, Mapping[str, str]]) -> tuple[Composition, ...]:
    per_attribute: dict[str, Counter[str]] = {}
    members = list(members)
    keys = sorted({k for p in members for k in attributes.get(p, {})})
    for key in keys:
        per_attribute[key] = Counter(str(attributes.get(p, {}).get(key) or "not given") for p in members)
    return tuple(
        Composition(attribute=key, counts=tuple(sorted(c.items(), key=lambda vc: (-vc[1], vc[0]))))
        for key, c in per_attribute.items()
    )


def _group_counts(matrix: VoteMatrix, rows: np.ndarray, labels: np.ndarray) -> GroupVoteCounts:
    group_ids = tuple(int(g) for g in np.unique(labels))
    position = {g: i for i, g in enumerate(group_ids)}
    indicator = sp.csr_matrix(
        (np.ones(len(rows)), (np.array([position[int(g)] for g in labels]), rows)),
        shape=(len(group_ids), matrix.shape[0]),
    )
    return GroupVoteCounts(
        group_ids=group_ids,
        na=(indicator @ matrix.agrees()).toarray(),
        nd=(indicator @ matrix.disagrees()).toarray(),
        ns=(indicator @ matrix.seen()).toarray(),
    )


def _points(matrix: VoteMatrix, projection: Projection, group_by_row: Mapping[int, int]) -> tuple[Point, ...]:
    xy = projection.coordinates
    return tuple(
        Point(participant_id=pid, x=float(xy[i, 0]), y=float(xy[i, 1]), group=group_by_row.get(i))
        for i, pid in enumerate(matrix.participant_ids)
    )


def _groups(
    *,
    matrix: VoteMatrix,
    rows: np.ndarray,
    clustering: Clustering,
    projection: Projection,
    counts: GroupVoteCounts,
    attributes: Mapping[Id, Mapping[str, str]],
    params: OpinionParams,
) -> tuple[Group, ...]:
    stats = repness_stats(counts)
    out = []
    for index, gid in enumerate(counts.group_ids):
        member_rows = rows[clustering.labels == gid]
        members = tuple(matrix.participant_ids[i] for i in member_rows)
        centre = projection.coordinates[member_rows].mean(axis=0)
        representative = select_representative(
            stats=stats,
            statement_ids=matrix.statement_ids,
            group_index=index,
            z=params.significance_z,
            limit=params.max_representative,
        )
        out.append(
            Group(
                id=gid,
                size=len(members),
                members=members,
                centre=(float(centre[0]), float(centre[1])),
                make_up=_make_up(members, attributes),
                representative=representative,
            )
        )
    return tuple(out)


def analyse_votes(
    *,
    votes: Iterable[VoteRow],
    hidden_statements: Collection[Id] = (),
    hidden_participants: Collection[Id] = (),
    attributes: Mapping[Id, Mapping[str, str]] | None = None,
    params: OpinionParams | None = None,
    previous: OpinionResult | None = None,
) -> OpinionResult:
    """Analyse agree (+1) / disagree (-1) / pass (0) votes as Pol.is does.

    `votes` holds (participant id, statement id, vote) rows; a later row for the same pair replaces an
    earlier one. `attributes` maps participant ids to e.g. {"role": ..., "borough": ...} for each group's
    make-up. Pass the previous run's result as `previous` for an incremental run: it warm-starts the
    clustering from it and keeps its group ids where the groups persist.
    """
    params = params or OpinionParams()
    attributes = attributes or {}
    clock = _Clock()
    with clock.stage("matrix"):
        matrix = build_vote_matrix(
            votes=votes, hidden_statements=hidden_statements, hidden_participants=hidden_participants
        )
    n, m = matrix.shape
    base = OpinionResult(
        status="not_enough_votes",
        message="",
        participants_counted=n,
        participants_clustered=0,
        statements_counted=m,
        votes_counted=matrix.n_votes,
        params=params,
    )

    def refuse(reason: str, **changes: object) -> OpinionResult:
        return replace(base, message=f"{NOT_ENOUGH}: {reason}", timings=clock.done(), **changes)

    if matrix.n_votes == 0:
        return refuse("there are no votes")
    if n < params.min_clustered:
        return refuse(f"{n} participant(s) voted; at least {params.min_clustered} are needed")
    previous_ok = previous if previous is not None and previous.ok else None
    with clock.stage("projection"):
        projection = project(
            matrix,
            seed=params.seed,
            previous_ids=previous_ok.state.statement_ids if previous_ok else (),
            previous_components=previous_ok.state.components if previous_ok else (),
        )
    state = WarmState(
        statement_ids=matrix.statement_ids,
        components=tuple(tuple(map(float, c)) for c in projection.components),
    )
    if not np.any(projection.components):
        return refuse("everyone voted the same way on every statement", state=state)
    previous_groups = previous_ok.group_of() if previous_ok else {}
    mask = clustered_mask(
        votes_per_participant=matrix.votes_per_participant(),
        participant_ids=matrix.participant_ids,
        n_statements=m,
        params=params,
        previously_clustered=frozenset(previous_groups),
    )
    rows = np.flatnonzero(mask)
    if len(rows) < params.min_clustered:
        return refuse(
            f"only {len(rows)} participant(s) voted on enough statements; "
            f"at least {params.min_clustered} are needed",
            points=_points(matrix, projection, {}),
            state=state,
        )
    with clock.stage("clustering"):
        clustering = cluster_participants(
            points=projection.coordinates[rows],
            ids=[matrix.participant_ids[i] for i in rows],
            params=params,
            previous_state=previous_ok.state if previous_ok else None,
            previous_groups=previous_groups,
        )
    if clustering is None:
        return refuse(
            "the votes do not separate participants into two or more groups",
            points=_points(matrix, projection, {}),
            participants_clustered=len(rows),
            state=state,
        )
    with clock.stage("repness"):
        counts = _group_counts(matrix, rows, clustering.labels)
        groups = _groups(
            matrix=matrix,
            rows=rows,
            clustering=clustering,
            projection=projection,
            counts=counts,
            attributes=attributes,
            params=params,
        )
    with clock.stage("consensus"):
        consensus, ranking = consensus_statements(
            counts=counts, statement_ids=matrix.statement_ids, z=params.significance_z
        )
        divisive = divisive_statements(
            counts=counts,
            statement_ids=matrix.statement_ids,
            min_spread=params.min_divisive_spread,
            limit=params.max_divisive,
        )
        majority = majority_statements(
            na=np.asarray(matrix.agrees().sum(axis=0)).ravel(),
            nd=np.asarray(matrix.disagrees().sum(axis=0)).ravel(),
            ns=np.asarray(matrix.seen().sum(axis=0)).ravel(),
            statement_ids=matrix.statement_ids,
            z=params.significance_z,
        )
    group_by_row = {int(r): int(g) for r, g in zip(rows, clustering.labels, strict=True)}
    return replace(
        base,
        status="ok",
        message=f"{len(groups)} opinion groups among {len(rows)} of {n} participants",
        participants_clustered=len(rows),
        points=_points(matrix, projection, group_by_row),
        groups=groups,
        consensus=consensus,
        group_informed_consensus=ranking,
        divisive=divisive,
        majority=majority,
        silhouettes=clustering.silhouettes,
        timings=clock.done(),
        state=replace(
            clustering.state,
            statement_ids=state.statement_ids,
            components=state.components,
            base_members=clustering.base_members,
        ),
    )
