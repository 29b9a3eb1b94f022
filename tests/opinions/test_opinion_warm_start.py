"""Incremental runs: a few new votes keep the same groups under the same ids."""

from __future__ import annotations

import json
from dataclasses import replace

from opinions import analyse_votes, result_from_dict
from tests.opinions.opinion_fixtures import Planted, planted_votes


def test_a_few_new_votes_keep_everyone_in_the_same_group(three_camps: Planted) -> None:
    first = analyse_votes(votes=three_camps.votes)
    extra = [(0, 5, 1), (1, 6, -1), (50, 2, 0), (90, 3, 1), (500, 7, 1), (500, 8, -1)]
    second = analyse_votes(votes=three_camps.votes + extra, previous=first)
    assert second.ok and len(second.groups) == len(first.groups)
    before, after = first.group_of(), second.group_of()
    assert all(after[p] == g for p, g in before.items())


def test_group_ids_survive_when_a_group_grows_past_the_others(three_camps: Planted) -> None:
    first = analyse_votes(votes=three_camps.votes)
    smallest = min(first.groups, key=lambda g: (g.size, g.id))
    camp = three_camps.camp[smallest.members[0]]
    # 30 newcomers vote exactly like the smallest group's camp, making it the largest
    newcomers = [
        (1000 + k, j, int(three_camps.stance[camp, j])) for k in range(30) for j in range(k % 6, 30, 1)
    ]
    votes = three_camps.votes + newcomers
    warm = analyse_votes(votes=votes, previous=first)
    cold = analyse_votes(votes=votes)
    grown = next(g for g in warm.groups if smallest.members[0] in g.members)
    assert grown.id == smallest.id
    assert grown.size == max(g.size for g in warm.groups)
    assert next(g for g in cold.groups if smallest.members[0] in g.members).id == 0  # cold numbers by size
    before = first.group_of()
    assert all(warm.group_of()[p] == g for p, g in before.items())


def test_a_stored_result_warm_starts_after_a_json_round_trip(two_camps: Planted) -> None:
    first = analyse_votes(votes=two_camps.votes)
    stored = result_from_dict(json.loads(json.dumps(first.to_dict())))
    second = analyse_votes(votes=[*two_camps.votes, (3, 2, 1)], previous=stored)
    assert second.group_of() == first.group_of()


def test_the_number_of_groups_changes_only_after_several_runs_agree() -> None:
    planted = planted_votes(camps=3, per_camp=40, statements=30, seen=24, seed=3)
    first = analyse_votes(votes=planted.votes)
    assert len(first.groups) == 3
    # pretend the previous runs settled on two groups
    previous = replace(first, state=replace(first.state, last_k=2, last_k_count=9, smoothed_k=2))
    counts = []
    for _ in range(first.params.k_buffer):
        previous = analyse_votes(votes=planted.votes, previous=previous)
        counts.append(len(previous.groups))
    assert counts == [2, 2, 2, 3]


def test_participants_once_grouped_stay_grouped(two_camps: Planted) -> None:
    first = analyse_votes(votes=two_camps.votes)
    # participant 0 now has only two votes left: too few to join, but once in, they stay in
    theirs = [s for p, s, _ in two_camps.votes if p == 0][:2]
    kept = [(p, s, v) for p, s, v in two_camps.votes if p != 0 or s in theirs]
    second = analyse_votes(votes=kept, previous=first)
    # grouped still (Pol.is's in-conv); which group a two-vote participant lands in is the cold update's
    assert first.point_for(0).group is not None
    assert second.point_for(0).group is not None
    assert len(second.groups) == len(first.groups)
