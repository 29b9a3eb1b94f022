"""A moderator's opinion analysis finds the planted camps, their statements and what all agree on."""

from __future__ import annotations

import pytest
from sqlmodel import select

from crowd.models import CareRole, Contribution, ContributionStatus, OpinionRun, OpinionRunStatus
from crowd.models._base import utcnow
from crowd.services.errors import Conflict
from crowd.services.opinions import runs as opinions
from crowd.services.opinions.map import group_letter
from tests.opinions_app.camps import Camps, add_participant, vote_as_camp


def run_now(db, camps: Camps) -> OpinionRun:
    return opinions.start_run(db, workshop_id=camps.workshop.id, actor_id=None)


def groups_by_camp(run: OpinionRun, camps: Camps) -> dict[str, set[int]]:
    group_of = {p["participant_id"]: p["group"] for p in run.result["points"]}
    return {camp: {group_of[pid] for pid in ids} for camp, ids in camps.members.items()}


def test_a_run_finds_the_three_planted_camps_and_stores_them(db, camps):
    run = run_now(db, camps)

    assert run.status == OpinionRunStatus.OK
    assert run.counts["groups"] == 3
    assert run.counts["participants"] == 24
    assert run.counts["participants_clustered"] == 24
    by_camp = groups_by_camp(run, camps)
    assert all(len(groups) == 1 for groups in by_camp.values()), by_camp
    assert len({next(iter(g)) for g in by_camp.values()}) == 3
    with db.read() as session:
        stored = session.get(OpinionRun, run.id)
    assert stored.finished_at is not None and stored.timings["total"] >= 0
    assert stored.params["min_votes"] == 7


def test_each_group_is_represented_by_its_own_camps_statements_and_make_up(db, camps):
    run = run_now(db, camps)
    by_camp = groups_by_camp(run, camps)
    groups = {g["id"]: g for g in run.result["groups"]}
    for camp, (group_id,) in by_camp.items():
        group = groups[group_id]
        agreed = {r["statement_id"] for r in group["representative"] if r["repful_for"] == "agree"}
        assert agreed & set(camps.camp_statement_ids[camp]), (camp, group["representative"])
        assert not agreed & set(camps.consensus_ids)
        roles = dict(next(c for c in group["make_up"] if c["attribute"] == "role")["counts"])
        assert len(roles) == 1 and sum(roles.values()) == 8


def test_consensus_lists_the_statements_every_camp_agrees_with(db, camps):
    run = run_now(db, camps)

    agreed_by_all = [c["statement_id"] for c in run.result["consensus"]]
    assert set(agreed_by_all) == set(camps.consensus_ids)
    divisive = {d["statement_id"] for d in run.result["divisive"]}
    assert divisive <= {cid for ids in camps.camp_statement_ids.values() for cid in ids}
    assert divisive


def test_hidden_and_withdrawn_contributions_are_left_out_of_the_analysis(db, camps):
    hidden, withdrawn = camps.camp_statement_ids["carer"][0], camps.consensus_ids[1]
    with db.write() as session:
        session.get(Contribution, hidden).status = ContributionStatus.HIDDEN
        c = session.get(Contribution, withdrawn)
        c.withdrawn_at = utcnow()
    run = run_now(db, camps)

    assert run.counts["statements"] == 9
    statement_ids = set(run.result["state"]["statement_ids"])
    assert hidden not in statement_ids and withdrawn not in statement_ids
    assert [c["statement_id"] for c in run.result["consensus"]] == [camps.consensus_ids[0]]


def test_a_new_run_keeps_group_ids_as_votes_arrive(db, camps):
    first = run_now(db, camps)
    newcomer = add_participant(db, "late@example.org", role=CareRole.CARER, borough="Lambeth")
    vote_as_camp(db, camps, newcomer, "carer", 3)

    second = run_now(db, camps)

    assert second.previous_run_id == first.id
    before = {p["participant_id"]: p["group"] for p in first.result["points"]}
    after = {p["participant_id"]: p["group"] for p in second.result["points"]}
    assert all(after[pid] == group for pid, group in before.items())
    assert after[newcomer] == after[camps.members["carer"][0]]


def test_a_run_while_another_is_running_is_refused(db, camps):
    with db.write() as session:
        opinions.begin_run(session, workshop_id=camps.workshop.id, actor_id=None)
    with pytest.raises(Conflict):
        run_now(db, camps)


def test_a_background_run_is_stored_when_it_finishes(db, camps):
    run = opinions.start_run(db, workshop_id=camps.workshop.id, actor_id=None, background=True)
    opinions.wait_for_background()

    assert run.status == OpinionRunStatus.RUNNING
    with db.read() as session:
        finished = session.get(OpinionRun, run.id)
    assert finished.status == OpinionRunStatus.OK and finished.counts["groups"] == 3


def test_an_analysis_that_crashes_is_stored_as_failed(db, camps, monkeypatch):
    def broken(**_kwargs):
        raise RuntimeError("matrix exploded")

    monkeypatch.setattr(opinions.opinions, "analyse_votes", broken)
    run = run_now(db, camps)

    assert run.status == OpinionRunStatus.FAILED
    assert "matrix exploded" in run.message
    with db.read() as session:
        assert session.exec(select(OpinionRun)).one().status == OpinionRunStatus.FAILED


def test_group_letters_follow_group_ids():
    assert [group_letter(i) for i in range(3)] == ["A", "B", "C"]
    assert group_letter(30) == "G30"


def test_a_run_cut_off_by_a_restart_is_marked_failed_at_the_next_start(db, camps):
    from datetime import timedelta

    with db.write() as session:
        stuck = opinions.begin_run(session, workshop_id=camps.workshop.id, actor_id=None)
        stuck.started_at = utcnow() - timedelta(minutes=20)
        session.add(stuck)

    fresh = run_now(db, camps)

    assert fresh.status == OpinionRunStatus.OK
    with db.read() as session:
        old = session.get(OpinionRun, stuck.id)
    assert old.status == OpinionRunStatus.FAILED and "stopped before it finished" in old.message
