"""The method matches Pol.is's formulas (math/src/polismath/math/stats.clj, repness.clj, pca.clj,
conversation.clj) on a 6 x 4 example worked out by hand.

    statement:   s0  s1  s2  s3
    p0           +1  +1  -1  +1
    p1           +1  +1  -1   0
    p2           +1  +1  -1  +1
    p3           +1  -1  +1  -1
    p4           +1  -1  +1   0
    p5            0  -1  +1  -1

Everyone voted on all four statements (Pol.is clusters whoever voted on min(7, statements) = 4),
so two groups form: A = {p0, p1, p2} and B = {p3, p4, p5}.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from opinions import Group, OpinionResult, analyse_votes
from opinions.repness import prop_test, two_prop_test

ROWS = {
    0: (1, 1, -1, 1),
    1: (1, 1, -1, 0),
    2: (1, 1, -1, 1),
    3: (1, -1, 1, -1),
    4: (1, -1, 1, 0),
    5: (0, -1, 1, -1),
}
VOTES = [(p, s, v) for p, row in ROWS.items() for s, v in enumerate(row)]


def polis_prop_test(succ: int, n: int) -> float:
    """stats.clj prop-test, written out: both counts + 1, then 2 sqrt(n) (succ / n - 1/2)."""
    succ, n = succ + 1, n + 1
    return 2 * math.sqrt(n) * (succ / n - 0.5)


def polis_two_prop_test(succ_in: int, succ_out: int, pop_in: int, pop_out: int) -> float:
    """stats.clj two-prop-test, written out: every count + 1, pooled-variance z; 0 if pooled share is 1."""
    s1, s2, n1, n2 = succ_in + 1, succ_out + 1, pop_in + 1, pop_out + 1
    pi_hat = (s1 + s2) / (n1 + n2)
    if pi_hat == 1:
        return 0.0
    return (s1 / n1 - s2 / n2) / math.sqrt(pi_hat * (1 - pi_hat) * (1 / n1 + 1 / n2))


@pytest.fixture(scope="module")
def result() -> OpinionResult:
    return analyse_votes(votes=VOTES)


def _group(result: OpinionResult, member: int) -> Group:
    return next(g for g in result.groups if member in g.members)


def test_the_z_tests_are_polis_tests() -> None:
    for succ, n in [(0, 0), (3, 3), (2, 3), (0, 3), (7, 12)]:
        assert prop_test(succ, n) == pytest.approx(polis_prop_test(succ, n))
    for args in [(3, 0, 3, 3), (2, 0, 3, 3), (3, 2, 3, 3), (0, 3, 3, 3), (5, 1, 9, 4)]:
        assert two_prop_test(*args) == pytest.approx(polis_two_prop_test(*args))
    assert two_prop_test(3, 3, 3, 3) == 0.0  # pooled share 1: Pol.is returns 0


def test_hand_worked_example_forms_the_two_groups(result: OpinionResult) -> None:
    assert result.status == "ok"
    assert sorted(sorted(g.members) for g in result.groups) == [[0, 1, 2], [3, 4, 5]]


def test_group_a_representative_statements_match_hand_computed_repness(result: OpinionResult) -> None:
    # s1 in A: na = 3 of ns = 3; the rest (B) agreed 0 of 3.
    pa = (3 + 1) / (3 + 2)  # 0.8
    ra = pa / ((0 + 1) / (3 + 2))  # 4.0
    pat = polis_prop_test(3, 3)  # 2.0
    rat = polis_two_prop_test(3, 0, 3, 3)  # 0.75 / sqrt(15/128) = 2.19
    assert (pa, ra, pat) == pytest.approx((0.8, 4.0, 2.0))
    assert rat == pytest.approx(0.75 / math.sqrt(15 / 128))

    group_a = _group(result, 0)
    reps = {r.statement_id: r for r in group_a.representative}
    # sufficient: s1 (agree) and s2 (disagree, the mirror image); s0 fails rat (1.07), s3 fails pat (1.0).
    assert [r.statement_id for r in group_a.representative] == [1, 2]
    s1, s2 = reps[1], reps[2]
    assert (s1.repful_for, s1.n_success, s1.n_trials, s1.best_agree) == ("agree", 3, 3, True)
    assert (s1.p_success, s1.repness, s1.p_test, s1.repness_test) == pytest.approx((pa, ra, pat, rat))
    assert (s2.repful_for, s2.n_success, s2.n_trials, s2.best_agree) == ("disagree", 3, 3, False)
    assert (s2.p_success, s2.repness, s2.p_test, s2.repness_test) == pytest.approx((pa, ra, pat, rat))
    # and the statistics that kept s0 and s3 out
    assert polis_two_prop_test(3, 2, 3, 3) == pytest.approx(0.25 / math.sqrt(7 / 128))
    assert polis_two_prop_test(3, 2, 3, 3) < 1.2816
    assert polis_prop_test(2, 3) == pytest.approx(1.0)


def test_group_b_puts_its_best_agreed_statement_first(result: OpinionResult) -> None:
    group_b = _group(result, 3)
    assert [(r.statement_id, r.repful_for) for r in group_b.representative] == [(2, "agree"), (1, "disagree")]
    assert group_b.representative[0].best_agree


def test_group_informed_consensus_is_the_product_of_group_agree_shares(result: OpinionResult) -> None:
    # (na + 1) / (ns + 2) per group, multiplied:
    # s0 = 4/5 * 3/5; s1 = 4/5 * 1/5; s2 = 1/5 * 4/5; s3 = 3/5 * 1/5
    expected = {0: 4 / 5 * 3 / 5, 1: 4 / 5 * 1 / 5, 2: 1 / 5 * 4 / 5, 3: 3 / 5 * 1 / 5}
    ranking = dict(result.group_informed_consensus)
    assert ranking == pytest.approx(expected)
    assert [s for s, _ in result.group_informed_consensus][0] == 0
    # s0 is not significantly agreed in B (2 of 3, prop-test 1.0 < 1.2816), so no statement is agreed by all
    assert result.consensus == ()


def test_majority_and_divisive_follow_the_formulas(result: OpinionResult) -> None:
    # Pol.is's overall consensus: s0 agreed by 5 of 6: p = 6/8, z = 2 sqrt(7) (6/7 - 1/2) = 1.89 > 1.2816
    assert [(m.statement_id, m.direction) for m in result.majority] == [(0, "agree")]
    assert result.majority[0].p_test == pytest.approx(2 * math.sqrt(7) * (6 / 7 - 0.5))
    # divisive: variance of the agree shares; s0 spreads only 0.2 (< 0.25), so it is not divisive
    assert [d.statement_id for d in result.divisive] == [1, 2, 3]
    assert [d.variance for d in result.divisive] == pytest.approx([0.09, 0.09, 0.04])


def test_projection_is_pca_of_the_imputed_matrix_scaled_by_votes_seen() -> None:
    votes = [(p, s, v) for p, s, v in VOTES if not (p == 1 and s == 3) and not (p == 4 and s == 3)]
    votes = [*votes, (6, 1, 1), (6, 2, -1)]  # p6 voted on two statements only
    result = analyse_votes(votes=votes)
    # by hand: fill unseen cells with the column mean, centre, top two right singular vectors ...
    n_statements = 4
    dense = np.full((7, n_statements), np.nan)
    for p, s, v in votes:
        dense[p, s] = v
    means = np.nanmean(dense, axis=0)
    centred = np.where(np.isnan(dense), means, dense) - means
    comps = np.linalg.svd(centred, full_matrices=False)[2][:2]
    # ... then project each participant through the cells they voted on, times sqrt(statements / votes)
    n_votes = (~np.isnan(dense)).sum(axis=1)
    expected = centred @ comps.T * np.sqrt(n_statements / n_votes)[:, None]
    got = np.array([[p.x, p.y] for p in sorted(result.points, key=lambda p: p.participant_id)])
    signs = np.sign(np.sum(got * expected, axis=0))
    assert got == pytest.approx(expected * signs, abs=1e-9)


def test_large_sparse_matrices_project_like_the_dense_method() -> None:
    from opinions.matrix import build_vote_matrix
    from opinions.projection import DENSE_LIMIT, project

    rng = np.random.default_rng(4)
    n, m = 400, 900
    assert n * m > DENSE_LIMIT  # takes the ARPACK path
    taste = rng.choice([-1, 1], size=(2, m))
    camp = rng.integers(0, 2, size=n)
    votes = [
        (p, int(s), int(taste[camp[p], s] if rng.random() < 0.8 else rng.choice([-1, 0, 1])))
        for p in range(n)
        for s in rng.choice(m, size=40, replace=False)
    ]
    matrix = build_vote_matrix(votes=votes)
    got = project(matrix).coordinates
    dense = np.full(matrix.shape, np.nan)
    for p, s, v in votes:
        dense[p, s] = v
    means = np.nanmean(dense, axis=0)
    centred = np.where(np.isnan(dense), means, dense) - means
    comps = np.linalg.svd(centred, full_matrices=False)[2][:2]
    expected = centred @ comps.T * np.sqrt(m / (~np.isnan(dense)).sum(axis=1))[:, None]
    signs = np.sign(np.sum(got * expected, axis=0))
    assert got == pytest.approx(expected * signs, abs=1e-6)
