"""Thin or odd votes give a clear "not enough votes to form groups" result, never a crash."""

from __future__ import annotations

import pytest

from opinions import NOT_ENOUGH, OpinionResult, VoteChoice, analyse_votes
from tests.opinions.opinion_fixtures import Planted


def _refused(result: OpinionResult) -> None:
    assert result.status == "not_enough_votes"
    assert not result.ok
    assert result.message.startswith(NOT_ENOUGH)
    assert result.groups == ()


def test_no_votes_gives_not_enough_votes() -> None:
    result = analyse_votes(votes=[])
    _refused(result)
    assert "no votes" in result.message
    assert (result.participants_counted, result.statements_counted) == (0, 0)


def test_a_single_participant_cannot_form_groups() -> None:
    result = analyse_votes(votes=[("only", s, 1 if s % 2 else -1) for s in range(10)])
    _refused(result)
    assert result.participants_counted == 1
    assert "1 participant" in result.message


def test_everyone_voting_the_same_way_forms_no_groups() -> None:
    result = analyse_votes(votes=[(p, s, 1) for p in range(30) for s in range(10)])
    _refused(result)
    assert "same way" in result.message
    assert result.participants_counted == 30


def test_everyone_passing_forms_no_groups() -> None:
    _refused(analyse_votes(votes=[(p, s, VoteChoice.PASS) for p in range(20) for s in range(8)]))


def test_a_participant_who_only_passes_is_counted_without_crashing(two_camps: Planted) -> None:
    alone = analyse_votes(votes=[("passer", s, 0) for s in range(12)])
    _refused(alone)
    among_others = analyse_votes(votes=two_camps.votes + [("passer", s, 0) for s in range(12)])
    assert among_others.ok
    assert among_others.participants_counted == 61
    assert among_others.point_for("passer") is not None


def test_a_statement_nobody_saw_is_simply_absent(two_camps: Planted) -> None:
    # statement 99 was only ever voted on by a hidden participant, and statement 0 is hidden itself
    votes = [*two_camps.votes, ("hidden", 99, 1)]
    result = analyse_votes(votes=votes, hidden_participants={"hidden"}, hidden_statements={0, 123})
    assert result.ok
    mentioned = {s for s, _ in result.group_informed_consensus}
    assert 99 not in mentioned and 0 not in mentioned
    for group in result.groups:
        assert all(r.statement_id not in (0, 99) for r in group.representative)


def test_too_few_participants_with_enough_votes_is_explained() -> None:
    votes = [(p, 0, 1 if p % 2 else -1) for p in range(3)]
    result = analyse_votes(votes=votes)
    _refused(result)


def test_a_lone_dissenter_stands_in_a_group_of_their_own() -> None:
    votes = [(p, s, 1) for p in range(10) for s in range(2)] + [(10, 0, -1)]
    result = analyse_votes(votes=votes)
    assert result.ok
    assert sorted(g.size for g in result.groups) == [1, 10]
    assert next(g for g in result.groups if g.size == 1).members == (10,)


def test_a_vote_that_is_not_agree_disagree_or_pass_is_an_error() -> None:
    with pytest.raises(ValueError, match="agree"):
        analyse_votes(votes=[(1, 1, 2)])
    with pytest.raises(ValueError, match="agree"):
        analyse_votes(votes=[(1, 1, "yes")])
