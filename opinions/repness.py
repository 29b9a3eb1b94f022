"""Representative statements per group, as Pol.is computes them.

Formulas from math/src/polismath/math/stats.clj and repness.clj (n = count, p = probability,
r = representativeness, t = test; a = agree, d = disagree, s = seen, i.e. voted on, passes included):

    pa  = (na + 1) / (ns + 2)                     pd  = (nd + 1) / (ns + 2)
    pat = prop_test(na, ns)                       pdt = prop_test(nd, ns)
    ra  = pa / ((na_rest + 1) / (ns_rest + 2))    rd  = pd / ((nd_rest + 1) / (ns_rest + 2))
    rat = two_prop_test(na, na_rest, ns, ns_rest) rdt = two_prop_test(nd, nd_rest, ns, ns_rest)

where "rest" sums over the other groups. A statement is representative of a group when
(rat > 1.2816 and pat > 1.2816) or (rdt > 1.2816 and pdt > 1.2816), i.e. significant at 90%.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from opinions.results import Id, Representative


def prop_test(successes: np.ndarray | float, trials: np.ndarray | float) -> np.ndarray:
    """Pol.is's one-proportion z against 1/2, with a +1 pseudocount: 2 sqrt(n+1) ((s+1)/(n+1) - 1/2)."""
    s, n = np.asarray(successes, dtype=np.float64) + 1, np.asarray(trials, dtype=np.float64) + 1
    return 2 * np.sqrt(n) * (s / n - 0.5)


def two_prop_test(
    succ_in: np.ndarray | float,
    succ_out: np.ndarray | float,
    pop_in: np.ndarray | float,
    pop_out: np.ndarray | float,
) -> np.ndarray:
    """Pol.is's two-proportion z (in-group vs the rest), every count +1; 0 when the pooled share is 1."""
    s1, s2, n1, n2 = (np.asarray(x, dtype=np.float64) + 1 for x in (succ_in, succ_out, pop_in, pop_out))
    pi1, pi2 = s1 / n1, s2 / n2
    pi_hat = (s1 + s2) / (n1 + n2)
    denom = np.sqrt(pi_hat * (1 - pi_hat) * (1 / n1 + 1 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (pi1 - pi2) / denom
    return np.where(pi_hat == 1, 0.0, z)


@dataclass(frozen=True)
class GroupVoteCounts:
    """Per group (rows, in `group_ids` order) and statement (columns): agree, disagree and seen counts."""

    group_ids: tuple[int, ...]
    na: np.ndarray
    nd: np.ndarray
    ns: np.ndarray


@dataclass(frozen=True)
class RepnessStats:
    na: np.ndarray
    nd: np.ndarray
    ns: np.ndarray
    pa: np.ndarray
    pd: np.ndarray
    pat: np.ndarray
    pdt: np.ndarray
    ra: np.ndarray
    rd: np.ndarray
    rat: np.ndarray
    rdt: np.ndarray


def repness_stats(counts: GroupVoteCounts) -> RepnessStats:
    """Every statistic for every (group, statement) pair, vectorised."""
    na, nd, ns = counts.na, counts.nd, counts.ns
    na_rest, nd_rest, ns_rest = na.sum(0) - na, nd.sum(0) - nd, ns.sum(0) - ns
    pa, pd = (na + 1) / (ns + 2), (nd + 1) / (ns + 2)
    return RepnessStats(
        na=na,
        nd=nd,
        ns=ns,
        pa=pa,
        pd=pd,
        pat=prop_test(na, ns),
        pdt=prop_test(nd, ns),
        ra=pa / ((na_rest + 1) / (ns_rest + 2)),
        rd=pd / ((nd_rest + 1) / (ns_rest + 2)),
        rat=two_prop_test(na, na_rest, ns, ns_rest),
        rdt=two_prop_test(nd, nd_rest, ns, ns_rest),
    )


def _cell(stats: RepnessStats, g: int, j: int) -> dict[str, float]:
    return {name: float(getattr(stats, name)[g, j]) for name in RepnessStats.__dataclass_fields__}


def _finalise(statement_id: Id, c: dict[str, float], *, best_agree: bool = False) -> Representative:
    """Pol.is's finalize-cmt-stats: report the agree side if its repness test beats the disagree side."""
    agree = c["rat"] > c["rdt"]
    pick = ("na", "pa", "pat", "ra", "rat") if agree else ("nd", "pd", "pdt", "rd", "rdt")
    n_success, p_success, p_test, repness, repness_test = (c[k] for k in pick)
    return Representative(
        statement_id=statement_id,
        repful_for="agree" if agree else "disagree",
        n_success=int(n_success),
        n_trials=int(c["ns"]),
        p_success=p_success,
        p_test=p_test,
        repness=repness,
        repness_test=repness_test,
        best_agree=best_agree,
    )


def _metric(r: Representative) -> float:
    return r.repness * r.repness_test * r.p_success * r.p_test


def _beats_best_agree(c: dict[str, float], best: dict[str, float] | None, z: float) -> bool:
    """Pol.is's beats-best-agr?: the best statement the group agrees with, even if not significant."""
    if c["na"] == 0 and c["nd"] == 0:
        return False
    if best is not None and best["ra"] > 1.0:
        return c["ra"] * c["rat"] * c["pa"] * c["pat"] > best["ra"] * best["rat"] * best["pa"] * best["pat"]
    if best is not None:
        return c["pa"] * c["pat"] > best["pa"] * best["pat"]
    return c["pat"] > z or (c["ra"] > 1.0 and c["pa"] > 0.5)


def _passes(c: dict[str, float], z: float) -> bool:
    return (c["rat"] > z and c["pat"] > z) or (c["rdt"] > z and c["pdt"] > z)


def select_representative(
    *,
    stats: RepnessStats,
    statement_ids: Sequence[Id],
    group_index: int,
    z: float = 1.2816,
    limit: int = 5,
    min_votes: int = 0,
) -> tuple[Representative, ...]:
    """Pol.is's select-rep-comments for one group.

    The significant statements, strongest first by repness * repness_test * p_success * p_test, with the
    group's best agreed statement put in front; at most `limit`, agree statements before disagree ones.
    With none significant: the best agreed statement, or failing that the best by repness test.
    `min_votes` leaves out statements fewer than that many of the group voted on (0: Pol.is, none).
    """
    g = group_index
    sufficient: list[Representative] = []
    best: Representative | None = None
    best_agree: tuple[Id, dict[str, float]] | None = None
    for j in range(len(statement_ids)):
        if stats.ns[g, j] < min_votes:
            continue
        c = _cell(stats, g, j)
        sid = statement_ids[j]
        if _passes(c, z):
            sufficient.append(_finalise(sid, c))
        if not sufficient and (best is None or max(c["rat"], c["rdt"]) > best.repness_test):
            best = _finalise(sid, c)
        if _beats_best_agree(c, best_agree[1] if best_agree else None, z):
            best_agree = (sid, c)
    head = [_finalise(best_agree[0], best_agree[1], best_agree=True)] if best_agree else []
    if not sufficient:
        return tuple(head or ([best] if best else []))
    rest = sorted(
        (r for r in sufficient if not head or r.statement_id != head[0].statement_id),
        key=_metric,
        reverse=True,
    )
    chosen = (head + rest)[:limit]
    return tuple(
        [r for r in chosen if r.repful_for == "agree"] + [r for r in chosen if r.repful_for == "disagree"]
    )


def counts_from_votes(
    *, votes: Sequence[tuple[Id, Id, int]], group_of: Mapping[Id, int], statement_ids: Sequence[Id]
) -> GroupVoteCounts:
    """Agree / disagree / seen counts per group and statement from (participant, statement, vote) rows,
    one current row per pair (+1 agree, -1 disagree, 0 pass); participants outside `group_of` and
    statements outside `statement_ids` are left out."""
    group_ids = tuple(sorted(set(group_of.values())))
    g_index = {g: i for i, g in enumerate(group_ids)}
    s_index = {s: j for j, s in enumerate(statement_ids)}
    shape = (len(group_ids), len(statement_ids))
    rows, cols, values = [], [], []
    for participant, statement, vote in votes:
        g, j = group_of.get(participant), s_index.get(statement)
        if g is not None and j is not None:
            rows.append(g_index[g])
            cols.append(j)
            values.append(vote)
    rows_a, cols_a, values_a = (
        np.asarray(rows, dtype=np.intp),
        np.asarray(cols, dtype=np.intp),
        np.asarray(values),
    )
    na, nd, ns = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    np.add.at(ns, (rows_a, cols_a), 1)
    np.add.at(na, (rows_a, cols_a), values_a > 0)
    np.add.at(nd, (rows_a, cols_a), values_a < 0)
    return GroupVoteCounts(group_ids=group_ids, na=na, nd=nd, ns=ns)
