"""One opinion analysis run: votes in, groups, representative statements and consensus out."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment

from opinions.consensus import consensus_statements, divisive_statements, majority_statements
from opinions.groups import Clustering
from opinions.matrix import VoteMatrix, VoteRow, _plain, _vote_value, build_vote_matrix
from opinions.polis import PolisMethod, PolisState, sorted_batch, update
from opinions.projection import Projection, _orient
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


def _projection(matrix: VoteMatrix, state: PolisState, previous: OpinionResult | None) -> Projection:
    """Pol.is's PCA and projection, read for the matrix's participants and (shown) statements; each
    axis's sign follows the previous run's (else its largest loading is positive) so the map does not flip."""
    cols = np.array([state.col_index[s] for s in matrix.statement_ids], dtype=np.int64)
    rows = np.array([state.row_index[p] for p in matrix.participant_ids], dtype=np.int64)
    if state.comps is None or state.proj is None:
        return Projection(
            center=np.zeros(len(cols)),
            components=np.zeros((2, len(cols))),
            coordinates=np.zeros((len(rows), 2)),
        )
    comps = np.asarray(state.comps)[:, cols]
    oriented = _orient(
        comps,
        matrix.statement_ids,
        previous.state.statement_ids if previous is not None else (),
        previous.state.components if previous is not None else (),
    )
    signs = np.where(np.sum(oriented * comps, axis=1) < 0, -1.0, 1.0)
    return Projection(
        center=np.asarray(state.center)[cols],
        components=comps * signs[:, None],
        coordinates=np.asarray(state.proj)[rows] * signs[None, :],
    )


def _polis_votes(votes: Iterable[VoteRow], hidden_participants: Collection[Id]) -> list[tuple[Id, Id, int]]:
    """Every vote but those of hidden participants, in Pol.is's poll order (comment, participant, then
    the order given, so that a later row for the same pair still wins)."""
    hidden_p = set(hidden_participants)
    timed = []
    for index, (pid, sid, vote) in enumerate(votes):
        value = _vote_value(vote)
        pid, sid = _plain(pid), _plain(sid)
        if pid not in hidden_p:
            timed.append((float(index), pid, sid, value))
    return sorted_batch(timed)


def _polis_update(
    votes: list[tuple[Id, Id, int]],
    zeroed: Collection[Id],
    params: OpinionParams,
    now_ms: float | None,
    previous: OpinionResult | None,
) -> PolisState:
    """One cold Pol.is conversation update with the method Pol.is runs today (or at `now_ms`).

    Cold: the PCA, base clusters and group clusterings start afresh. Only what Pol.is itself keeps
    between updates and can be read back from the previous result carries over: who was clustered
    (in-conv: once in, always in) and the k smoother (a new best k is adopted after k_buffer wins)."""
    method = replace(
        PolisMethod.as_of(now_ms if now_ms is not None else time.time() * 1000),
        base_k=params.base_k,
        max_k=params.max_k,
        k_buffer=params.k_buffer,
        min_votes=params.min_votes,
        greedy_n=params.greedy_participants,
    )
    state = PolisState()
    if previous is not None:
        state.in_conv = set(previous.group_of())
        state.last_k = previous.state.last_k
        state.last_k_count = previous.state.last_k_count
        state.smoothed_k = previous.state.smoothed_k
    return update(state, votes, zeroed=zeroed, method=method, rng=np.random.default_rng(params.seed))


def _stable_ids(groups: Mapping[int, set[Id]], previous: Mapping[Id, int]) -> dict[int, int]:
    """Pol.is group id -> the id shown: a group mostly made of a previous group keeps its id (matched on
    shared members), so that a re-run does not swap the names of the same groups; others follow."""
    ours = sorted(groups)
    if not previous:
        return {g: i for i, g in enumerate(ours)}
    theirs = sorted(set(previous.values()))
    overlap = np.array([[sum(1 for p in groups[g] if previous.get(p) == t) for t in theirs] for g in ours])
    chosen: dict[int, int] = {}
    if overlap.size:
        rows, cols = linear_sum_assignment(-overlap)
        chosen = {ours[r]: theirs[c] for r, c in zip(rows, cols, strict=True) if overlap[r, c] > 0}
    free = (i for i in range(len(ours) + len(theirs) + 1) if i not in set(chosen.values()))
    return {g: chosen[g] if g in chosen else next(free) for g in ours}


def analyse_votes(
    *,
    votes: Iterable[VoteRow],
    hidden_statements: Collection[Id] = (),
    hidden_participants: Collection[Id] = (),
    attributes: Mapping[Id, Mapping[str, str]] | None = None,
    params: OpinionParams | None = None,
    previous: OpinionResult | None = None,
    now_ms: float | None = None,
) -> OpinionResult:
    """Analyse agree (+1) / disagree (-1) / pass (0) votes as Pol.is does.

    `votes` holds (participant id, statement id, vote) rows; a later row for the same pair replaces an
    earlier one. Participants are placed and grouped by one cold Pol.is conversation update
    (opinions.polis, the method Pol.is runs today or at `now_ms`): votes on `hidden_statements` (moderated
    out) count towards who is clustered but their columns are zeroed, as Pol.is does, and they are left out
    of the results. `attributes` maps participant ids to e.g. {"role": ..., "borough": ...} for each
    group's make-up. `previous` (the previous run's result) carries over what Pol.is keeps between
    updates (who is clustered, the k smoother) and keeps group ids and axis signs stable: a group made
    of much the same people as a previous group keeps that group's id.
    """
    params = params or OpinionParams()
    attributes = attributes or {}
    clock = _Clock()
    votes = list(votes)
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
    with clock.stage("polis_update"):
        previous_ok = previous if previous is not None and previous.ok else None
        state = _polis_update(
            _polis_votes(votes, hidden_participants), set(hidden_statements), params, now_ms, previous_ok
        )
        projection = _projection(matrix, state, previous_ok)
    warm = WarmState(
        statement_ids=matrix.statement_ids,
        components=tuple(tuple(map(float, c)) for c in projection.components),
    )
    if not np.any(projection.components):
        return refuse("everyone voted the same way on every statement", state=warm)
    index = {p: i for i, p in enumerate(matrix.participant_ids)}
    rows = np.array(sorted(index[p] for p in state.in_conv if p in index), dtype=np.int64)
    if len(rows) < params.min_clustered:
        return refuse(
            f"only {len(rows)} participant(s) voted on enough statements; "
            f"at least {params.min_clustered} are needed",
            points=_points(matrix, projection, {}),
            state=warm,
        )
    polis_groups = {p: g for p, g in state.group_of().items() if p in index}
    members: dict[int, set[Id]] = {}
    for p, g in polis_groups.items():
        members.setdefault(g, set()).add(p)
    if len(members) < 2:
        return refuse(
            "the votes do not separate participants into two or more groups",
            points=_points(matrix, projection, {}),
            participants_clustered=len(rows),
            state=warm,
        )
    previous_groups = previous_ok.group_of() if previous_ok is not None else {}
    shown = _stable_ids(members, previous_groups)
    rows = np.array(sorted(index[p] for p in polis_groups), dtype=np.int64)
    labels = np.array([shown[polis_groups[matrix.participant_ids[i]]] for i in rows], dtype=np.int64)
    silhouettes = tuple(sorted((int(k), float(s)) for k, s in state.silhouettes.items()))
    clustering = Clustering(
        labels=labels,
        base_members=tuple(tuple(c.members) for c in state.base_clusters),
        silhouettes=silhouettes,
        state=WarmState(last_k=state.last_k, last_k_count=state.last_k_count, smoothed_k=state.smoothed_k),
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
            statement_ids=warm.statement_ids,
            components=warm.components,
            base_members=clustering.base_members,
        ),
    )
