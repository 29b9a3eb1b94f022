"""Consensus, division and what sets each group apart, from a stored run, with enough votes behind them.

A statement is "agreed by every group" when, in every group, the smoothed agree share is above one
half and Pol.is's significance test passes, AND each group has at least `min_votes` votes on it
(OPINION_MIN_VOTES, 5 by default; Pol.is's test alone passes 1 agree out of 1). The list is ranked by
group-informed consensus (Pol.is: the product over groups of (agree + 1) / (votes + 2)). A statement
"splits the groups" when, among the groups with at least `min_votes` votes on it (two at least), the
highest agree share minus the lowest is 0.25 or more; ranked by that spread. "What sets a group apart"
is Pol.is's representative-statement selection over the statements the group has `min_votes` votes
on, significant ones only, with plain shares: agree (or disagree) / votes in the group and among
everyone else grouped.

Runs stored with a standings table (``OpinionRun.statements``) are ranked from it; older runs fall back
to the lists stored in their result, filtered by the same minimum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import opinions
from crowd.models import OpinionRun
from crowd.services.opinions import standings as standings_table
from opinions.consensus import enough_votes, group_informed_consensus, ranked_consensus, ranked_divisive
from opinions.repness import RepnessStats, repness_stats, select_representative

SIGNIFICANT_Z = opinions.OpinionParams().significance_z
APART_LIMIT = 5


@dataclass(frozen=True)
class Share:
    group: int
    agree: int
    disagree: int
    seen: int

    @property
    def share(self) -> float:
        return self.agree / self.seen if self.seen else 0.0


@dataclass(frozen=True)
class Ranked:
    statement_id: int
    value: float
    """Group-informed consensus (consensus, closest) or the spread of agree shares (division)."""
    by_group: tuple[Share, ...]


@dataclass(frozen=True)
class Apart:
    statement_id: int
    side: str
    """'agree' or 'disagree'."""
    in_group: int
    group_seen: int
    rest: int
    rest_seen: int
    z: float

    @property
    def share_in_group(self) -> float:
        return self.in_group / self.group_seen if self.group_seen else 0.0

    @property
    def share_rest(self) -> float:
        return self.rest / self.rest_seen if self.rest_seen else 0.0


@dataclass(frozen=True)
class Rankings:
    consensus: list[Ranked]
    closest: list[Ranked]
    """The highest group-informed consensus with enough votes in every group, when none is agreed."""
    divisive: list[Ranked]
    apart: dict[int, list[Apart]]
    """Group id -> the significant statements that set it apart (at most five)."""
    important: dict[int, int]
    """Statement id -> "important to me" marks (empty for runs stored without a standings table)."""
    min_votes: int


def _shares_of(table: standings_table.Standings, j: int) -> tuple[Share, ...]:
    c = table.counts
    return tuple(
        Share(group=g, agree=int(c.na[i, j]), disagree=int(c.nd[i, j]), seen=int(c.ns[i, j]))
        for i, g in enumerate(c.group_ids)
    )


def _stored_shares(rows) -> tuple[Share, ...]:
    return tuple(Share(group=s.group, agree=s.agree, disagree=s.disagree, seen=s.seen) for s in rows)


def _from_table(table: standings_table.Standings, result: opinions.OpinionResult, min_votes: int) -> Rankings:
    counts, ids = table.counts, list(table.ids)
    position = table.position()
    consensus = [
        Ranked(int(c.statement_id), c.consensus, _shares_of(table, position[c.statement_id]))
        for c in ranked_consensus(counts=counts, statement_ids=ids, min_votes=min_votes, z=SIGNIFICANT_Z)
    ]
    closest: list[Ranked] = []
    if not consensus and counts.group_ids:
        gic = group_informed_consensus(counts)
        ok = np.flatnonzero(enough_votes(counts, min_votes))
        closest = [
            Ranked(ids[j], float(gic[j]), _shares_of(table, j)) for j in sorted(ok, key=lambda j: -gic[j])[:5]
        ]
    divisive = [
        Ranked(int(d.statement_id), d.spread, _shares_of(table, position[d.statement_id]))
        for d in ranked_divisive(
            counts=counts,
            statement_ids=ids,
            min_votes=min_votes,
            min_spread=result.params.min_divisive_spread,
        )
    ]
    apart: dict[int, list[Apart]] = {}
    if counts.group_ids:
        stats = repness_stats(counts)
        z = SIGNIFICANT_Z
        for i, gid in enumerate(counts.group_ids):
            # only the statements significant for this group can be shown: select among them alone
            keep = (counts.ns[i] >= min_votes) & (
                ((stats.rat[i] > z) & (stats.pat[i] > z)) | ((stats.rdt[i] > z) & (stats.pdt[i] > z))
            )
            columns = np.flatnonzero(keep)
            chosen = select_representative(
                stats=RepnessStats(
                    **{f: getattr(stats, f)[:, columns] for f in RepnessStats.__dataclass_fields__}
                ),
                statement_ids=[ids[j] for j in columns],
                group_index=i,
                z=SIGNIFICANT_Z,
                limit=APART_LIMIT,
                min_votes=min_votes,
            )
            apart[gid] = [_apart(table, i, position[r.statement_id], r) for r in chosen if _significant(r)]
    important = {s: int(n) for s, n in zip(ids, table.important, strict=True) if n}
    return Rankings(consensus, closest, divisive, apart, important, min_votes)


def _significant(r: opinions.Representative) -> bool:
    return r.repness_test > SIGNIFICANT_Z and r.p_test > SIGNIFICANT_Z


def _apart(table: standings_table.Standings, i: int, j: int, r: opinions.Representative) -> Apart:
    c = table.counts
    n = c.na if r.repful_for == "agree" else c.nd
    return Apart(
        statement_id=int(r.statement_id),
        side=r.repful_for,
        in_group=int(n[i, j]),
        group_seen=int(c.ns[i, j]),
        rest=int(n[:, j].sum() - n[i, j]),
        rest_seen=int(c.ns[:, j].sum() - c.ns[i, j]),
        z=r.repness_test,
    )


def _from_result(result: opinions.OpinionResult, min_votes: int) -> Rankings:
    """A run stored before the standings table: its own lists, filtered by the minimum."""

    def enough(rows) -> bool:
        return all(s.seen >= min_votes for s in rows)

    consensus = [
        Ranked(int(c.statement_id), c.consensus, _stored_shares(c.by_group))
        for c in result.consensus
        if enough(c.by_group)
    ]
    divisive = []
    for d in result.divisive:
        rows = [s for s in d.by_group if s.seen >= min_votes]
        shares = [s.agree / s.seen for s in rows]
        if len(rows) >= 2 and max(shares) - min(shares) >= result.params.min_divisive_spread:
            divisive.append(
                Ranked(int(d.statement_id), max(shares) - min(shares), _stored_shares(d.by_group))
            )
    divisive.sort(key=lambda d: -d.value)
    apart: dict[int, list[Apart]] = {}
    for g in result.groups:
        apart[g.id] = []
        for r in g.representative:
            if not _significant(r) or r.n_trials < min_votes:
                continue
            share_rest = min(r.p_success / r.repness, 1.0) if r.repness else 0.0
            # the stored result keeps only smoothed shares of the rest: show them out of 100
            apart[g.id].append(
                Apart(
                    int(r.statement_id),
                    r.repful_for,
                    r.n_success,
                    r.n_trials,
                    round(share_rest * 100),
                    100,
                    r.repness_test,
                )
            )
    return Rankings(consensus, [], divisive, apart, {}, min_votes)


def rankings(run: OpinionRun, result: opinions.OpinionResult, *, min_votes: int) -> Rankings:
    table = standings_table.read(run.statements)
    if table is not None:
        return _from_table(table, result, min_votes)
    return _from_result(result, min_votes)
