"""Any small pile of votes gives a coherent result: groups that add up, or a clear refusal."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opinions import NOT_ENOUGH, analyse_votes

votes_strategy = st.lists(
    st.tuples(st.integers(0, 14), st.integers(0, 8), st.sampled_from([-1, 0, 1])), max_size=120
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(votes=votes_strategy, more=votes_strategy)
def test_random_votes_never_crash_and_results_add_up(
    votes: list[tuple[int, int, int]], more: list[tuple[int, int, int]]
) -> None:
    result = analyse_votes(votes=votes)
    assert result.participants_counted == len({p for p, _, _ in votes})
    if result.ok:
        assert len(result.groups) >= 2
        assert sum(g.size for g in result.groups) == result.participants_clustered
        assert len(result.points) == result.participants_counted
        assert all(g.representative for g in result.groups if g.size)
    else:
        assert result.message.startswith(NOT_ENOUGH)
    again = analyse_votes(votes=votes + more, previous=result)
    assert again.ok or again.message.startswith(NOT_ENOUGH)
