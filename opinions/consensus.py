"""Where the groups meet and where they split.

- Group-informed consensus (Pol.is, conversation.clj `group-aware-consensus`): for each statement the
  product over groups of (agree + 1) / (seen + 2). It is high only when every group tends to agree.
- Agreed by every group: in each group the smoothed agree share pa > 1/2 and prop_test(na, ns) > 1.2816.
- Majority (Pol.is, repness.clj `select-consensus-comments`): over every counted participant,
  pa > 1/2 with a significant prop_test, top five by pa * pat, for agree and for disagree.
- Divisive: the variance across groups of the smoothed agree share, for statements whose share differs
  by at least `min_divisive_spread` between two groups.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from opinions.repness import GroupVoteCounts, prop_test
from opinions.results import ConsensusStatement, DivisiveStatement, GroupShare, Id, MajorityStatement


def group_informed_consensus(counts: GroupVoteCounts) -> np.ndarray:
    """One value per statement: prod over groups of (na + 1) / (ns + 2)."""
    return np.prod((counts.na + 1) / (counts.ns + 2), axis=0)


def _shares(counts: GroupVoteCounts, j: int) -> tuple[GroupShare, ...]:
    return tuple(
        GroupShare(
            group=gid,
            agree=int(counts.na[g, j]),
            disagree=int(counts.nd[g, j]),
            seen=int(counts.ns[g, j]),
            p_agree=float((counts.na[g, j] + 1) / (counts.ns[g, j] + 2)),
        )
        for g, gid in enumerate(counts.group_ids)
    )


def consensus_statements(
    *, counts: GroupVoteCounts, statement_ids: Sequence[Id], z: float = 1.2816
) -> tuple[tuple[ConsensusStatement, ...], tuple[tuple[Id, float], ...]]:
    """(statements agreed by every group, every statement with its group-informed consensus), best first."""
    gic = group_informed_consensus(counts)
    order = sorted(range(len(statement_ids)), key=lambda j: -gic[j])
    pa = (counts.na + 1) / (counts.ns + 2)
    agreed = np.all((pa > 0.5) & (prop_test(counts.na, counts.ns) > z), axis=0)
    chosen = tuple(
        ConsensusStatement(
            statement_id=statement_ids[j], consensus=float(gic[j]), by_group=_shares(counts, j)
        )
        for j in order
        if agreed[j]
    )
    ranking = tuple((statement_ids[j], float(gic[j])) for j in order)
    return chosen, ranking


def divisive_statements(
    *, counts: GroupVoteCounts, statement_ids: Sequence[Id], min_spread: float = 0.25, limit: int = 10
) -> tuple[DivisiveStatement, ...]:
    """Statements the groups split on, by variance of the smoothed agree share among groups that saw them."""
    pa = (counts.na + 1) / (counts.ns + 2)
    seen = counts.ns > 0
    n_seen = seen.sum(axis=0)
    found = []
    for j in np.flatnonzero(n_seen >= 2):
        shares = pa[seen[:, j], j]
        spread = float(shares.max() - shares.min())
        if spread >= min_spread:
            found.append((float(shares.var()), spread, j))
    found.sort(key=lambda item: -item[0])
    return tuple(
        DivisiveStatement(
            statement_id=statement_ids[j], variance=var, spread=spread, by_group=_shares(counts, j)
        )
        for var, spread, j in found[:limit]
    )


def majority_statements(
    *,
    na: np.ndarray,
    nd: np.ndarray,
    ns: np.ndarray,
    statement_ids: Sequence[Id],
    z: float = 1.2816,
    limit: int = 5,
) -> tuple[MajorityStatement, ...]:
    """Pol.is's select-consensus-comments over everyone counted: top agreed, then top disagreed."""
    out: list[MajorityStatement] = []
    for direction, n in (("agree", na), ("disagree", nd)):
        p = (n + 1) / (ns + 2)
        t = prop_test(n, ns)
        ok = np.flatnonzero((p > 0.5) & (t > z))
        for j in sorted(ok, key=lambda j: -p[j] * t[j])[:limit]:
            out.append(
                MajorityStatement(
                    statement_id=statement_ids[j],
                    direction=direction,
                    n_success=int(n[j]),
                    n_trials=int(ns[j]),
                    p_success=float(p[j]),
                    p_test=float(t[j]),
                )
            )
    return tuple(out)


def enough_votes(counts: GroupVoteCounts, min_votes: int) -> np.ndarray:
    """Per statement: True when every group has at least `min_votes` votes on it (passes included)."""
    return np.all(counts.ns >= min_votes, axis=0)


def ranked_consensus(
    *, counts: GroupVoteCounts, statement_ids: Sequence[Id], min_votes: int = 5, z: float = 1.2816
) -> tuple[ConsensusStatement, ...]:
    """Statements agreed by every group, each group with at least `min_votes` votes on it, ranked by
    group-informed consensus (best first). Pol.is's own test alone passes 1 agree out of 1; the
    minimum keeps "agreed by every group" from resting on a handful of votes."""
    gic = group_informed_consensus(counts)
    pa = (counts.na + 1) / (counts.ns + 2)
    agreed = np.all((pa > 0.5) & (prop_test(counts.na, counts.ns) > z), axis=0)
    agreed &= enough_votes(counts, min_votes)
    order = sorted(np.flatnonzero(agreed), key=lambda j: -gic[j])
    return tuple(
        ConsensusStatement(
            statement_id=statement_ids[j], consensus=float(gic[j]), by_group=_shares(counts, j)
        )
        for j in order
    )


def ranked_divisive(
    *,
    counts: GroupVoteCounts,
    statement_ids: Sequence[Id],
    min_votes: int = 5,
    min_spread: float = 0.25,
) -> tuple[DivisiveStatement, ...]:
    """Statements the groups split on, surest split first.

    Over the groups with at least `min_votes` votes on the statement (two such groups at least), the
    spread is the highest agree share (agree / votes) minus the lowest; a statement splits the groups
    when it is at least `min_spread`. They are ranked by `division_strength`, the spread less its
    uncertainty, so a split of 5 of 5 against 0 of 5 ranks below one of 81 of 100 against 7 of 100;
    `variance` is the variance of the shares."""
    enough = counts.ns >= min_votes
    if counts.ns.size == 0:
        return ()
    share = counts.na / np.maximum(counts.ns, 1)
    high = np.argmax(np.where(enough, share, -np.inf), axis=0)
    low = np.argmin(np.where(enough, share, np.inf), axis=0)
    cols = np.arange(counts.ns.shape[1])
    spread = share[high, cols] - share[low, cols]
    strength = division_strength(
        counts.na[high, cols], counts.ns[high, cols], counts.na[low, cols], counts.ns[low, cols]
    )
    chosen = np.flatnonzero((enough.sum(axis=0) >= 2) & (spread >= min_spread))
    variance = np.nanvar(np.where(enough, share, np.nan)[:, chosen], axis=0) if len(chosen) else np.zeros(0)
    order = sorted(range(len(chosen)), key=lambda k: (-strength[chosen[k]], -spread[chosen[k]]))
    return tuple(
        DivisiveStatement(
            statement_id=statement_ids[chosen[k]],
            variance=float(variance[k]),
            spread=float(spread[chosen[k]]),
            by_group=_shares(counts, chosen[k]),
        )
        for k in order
    )


def division_strength(agree_high, seen_high, agree_low, seen_low):
    """A 90% lower bound of the gap between two groups' agree shares: the gap of the smoothed shares
    (agree + 1) / (votes + 2) less 1.2816 standard errors of that difference (numbers or arrays)."""
    p1, p2 = (
        (np.asarray(agree_high) + 1) / (np.asarray(seen_high) + 2),
        (np.asarray(agree_low) + 1) / (np.asarray(seen_low) + 2),
    )
    se = np.sqrt(p1 * (1 - p1) / (np.asarray(seen_high) + 2) + p2 * (1 - p2) / (np.asarray(seen_low) + 2))
    bound = p1 - p2 - 1.2816 * se
    return float(bound) if np.ndim(bound) == 0 else bound
