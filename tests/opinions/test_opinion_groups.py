"""Planted camps: the analysis finds the camps, what each believes, and what they all agree on."""

from __future__ import annotations

import json

from sklearn.metrics import adjusted_rand_score

from opinions import OpinionResult, analyse_votes, result_from_dict
from tests.opinions.opinion_fixtures import Planted, planted_votes


def _ari(result: OpinionResult, planted: Planted) -> float:
    placed = result.group_of()
    return adjusted_rand_score([planted.camp[p] for p in placed], list(placed.values()))


def _camp_of_group(result: OpinionResult, planted: Planted) -> dict[int, int]:
    out = {}
    for group in result.groups:
        camps = [planted.camp[p] for p in group.members]
        out[group.id] = max(set(camps), key=camps.count)
    return out


def test_two_camps_are_found_as_two_groups(two_camps: Planted) -> None:
    result = analyse_votes(votes=two_camps.votes)
    assert result.status == "ok"
    assert len(result.groups) == 2
    assert _ari(result, two_camps) == 1.0
    assert sorted(g.size for g in result.groups) == [30, 30]
    assert result.participants_counted == result.participants_clustered == 60


def test_three_camps_are_found_as_three_groups(three_camps: Planted) -> None:
    result = analyse_votes(votes=three_camps.votes)
    assert len(result.groups) == 3
    assert _ari(result, three_camps) > 0.95
    assert dict(result.silhouettes)[3] == max(s for _, s in result.silhouettes)


def test_each_group_is_represented_by_statements_its_camp_holds(three_camps: Planted) -> None:
    result = analyse_votes(votes=three_camps.votes)
    camp_of = _camp_of_group(result, three_camps)
    for group in result.groups:
        assert group.representative, f"group {group.id} has no representative statement"
        for rep in group.representative:
            side = three_camps.stance[camp_of[group.id], rep.statement_id]
            assert rep.repful_for == ("agree" if side == 1 else "disagree")
            assert rep.repness > 1 and rep.repness_test > 1.2816 and rep.p_test > 1.2816
            assert rep.statement_id not in three_camps.consensus
        assert group.representative[0].best_agree
        directions = [r.repful_for for r in group.representative]
        assert directions == sorted(directions)  # agree statements before disagree ones


def test_consensus_lists_the_statements_every_camp_agrees_with(three_camps: Planted) -> None:
    result = analyse_votes(votes=three_camps.votes)
    found = [c.statement_id for c in result.consensus]
    assert set(found) == set(three_camps.consensus)
    assert [c.consensus for c in result.consensus] == sorted(
        (c.consensus for c in result.consensus), reverse=True
    )
    top = {s for s, _ in result.group_informed_consensus[: len(three_camps.consensus)]}
    assert top == set(three_camps.consensus)
    for statement in result.consensus:
        assert all(share.p_agree > 0.5 for share in statement.by_group)


def test_divisive_statements_are_those_the_camps_split_on(two_camps: Planted) -> None:
    result = analyse_votes(votes=two_camps.votes)
    assert result.divisive
    for statement in result.divisive:
        assert statement.statement_id not in two_camps.consensus
        shares = [s.p_agree for s in statement.by_group]
        assert max(shares) > 0.5 > min(shares)
    variances = [d.variance for d in result.divisive]
    assert variances == sorted(variances, reverse=True)


def test_group_make_up_counts_roles_and_boroughs(two_camps: Planted) -> None:
    attributes = {
        pid: {"role": "carer" if camp == 0 else "staff", "borough": "Hackney" if pid % 2 else "Brent"}
        for pid, camp in two_camps.camp.items()
    }
    result = analyse_votes(votes=two_camps.votes, attributes=attributes)
    for group in result.groups:
        make_up = {c.attribute: dict(c.counts) for c in group.make_up}
        assert sum(make_up["role"].values()) == group.size
        assert sum(make_up["borough"].values()) == group.size
        assert len(make_up["role"]) == 1  # each planted camp is one role


def test_participants_who_voted_little_are_counted_but_not_grouped(two_camps: Planted) -> None:
    sparse_voters = [(1000, 4, 1), (1000, 5, -1), (1001, 6, 1)]
    result = analyse_votes(votes=two_camps.votes + sparse_voters)
    assert result.participants_counted == 62
    assert result.participants_clustered == 60
    for pid in (1000, 1001):
        point = result.point_for(pid)
        assert point is not None and point.group is None
    assert all(1000 not in g.members for g in result.groups)


def test_light_voters_are_scaled_out_from_the_centre(two_camps: Planted) -> None:
    # a participant who agreed with camp 0 on two divisive statements lands on camp 0's side, not the middle
    divisive = [
        j for j in range(len(two_camps.stance[0])) if two_camps.stance[0, j] != two_camps.stance[1, j]
    ]
    light = [(2000, j, int(two_camps.stance[0, j])) for j in divisive[:3]]
    result = analyse_votes(votes=two_camps.votes + light)
    camp_of = _camp_of_group(result, two_camps)
    centre = {camp_of[g.id]: g.centre for g in result.groups}
    point = result.point_for(2000)
    assert point is not None

    def dist(c: tuple[float, float]) -> float:
        return ((point.x - c[0]) ** 2 + (point.y - c[1]) ** 2) ** 0.5

    assert dist(centre[0]) < dist(centre[1])
    assert (point.x**2 + point.y**2) ** 0.5 > 0.5 * (centre[0][0] ** 2 + centre[0][1] ** 2) ** 0.5


def test_hidden_statements_and_participants_are_left_out(two_camps: Planted) -> None:
    result = analyse_votes(votes=two_camps.votes, hidden_statements={0, 7}, hidden_participants={3})
    mentioned = {s for s, _ in result.group_informed_consensus}
    assert 0 not in mentioned and 7 not in mentioned
    assert result.statements_counted == 18
    assert result.point_for(3) is None
    assert result.participants_counted == 59


def test_a_run_is_reproducible_and_survives_a_json_round_trip(two_camps: Planted) -> None:
    first = analyse_votes(votes=two_camps.votes)
    second = analyse_votes(votes=two_camps.votes)
    assert first.groups == second.groups and first.points == second.points
    restored = result_from_dict(json.loads(json.dumps(first.to_dict())))
    assert restored == first


def test_string_ids_work_like_numbers() -> None:
    planted = planted_votes(camps=2, seed=11)
    votes = [(f"person-{p}", f"statement-{s}", v) for p, s, v in planted.votes]
    result = analyse_votes(votes=votes)
    assert len(result.groups) == 2
    assert all(isinstance(p.participant_id, str) for p in result.points)
    assert {c.statement_id for c in result.consensus} == {f"statement-{s}" for s in planted.consensus}


def test_a_changed_vote_counts_once(two_camps: Planted) -> None:
    pid, sid, vote = two_camps.votes[0]
    result = analyse_votes(votes=[*two_camps.votes, (pid, sid, -vote or 1)])
    assert result.votes_counted == len(two_camps.votes)
