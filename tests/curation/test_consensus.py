"""Consensus and division between staff, service users and carers."""

from __future__ import annotations

from crowd.models import VoteChoice
from crowd.services.curation import board as curation_board
from crowd.services.curation import consensus
from tests.curation.conftest import Themed, vote

A, D = VoteChoice.AGREE, VoteChoice.DISAGREE


def cast(db, themed: Themed, contribution_id: int, pattern: dict[str, list[VoteChoice]]) -> None:
    for role, choices in pattern.items():
        for person, choice in zip(themed.people[role], choices, strict=False):
            vote(db, person, contribution_id, choice)


def test_a_statement_every_group_agrees_with_is_consensus_and_a_split_one_is_divisive(db, themed: Themed):
    agreed, split, thin = list(themed.topic_of)[:3]
    cast(db, themed, agreed, {"staff": [A, A, A, A], "service_user": [A, A, A, D], "carer": [A, A, A]})
    cast(db, themed, split, {"staff": [D, D, D, A], "service_user": [A, A, A, A], "carer": [A, A, A]})
    cast(db, themed, thin, {"staff": [A, A, A], "service_user": [A, A]})  # only one group heard
    with db.read() as session:
        shares = consensus.by_contribution(session, contribution_ids=[agreed, split, thin])
    assert shares[agreed].verdict == consensus.Verdict.CONSENSUS
    assert shares[split].verdict == consensus.Verdict.DIVISIVE
    assert shares[split].share(consensus.CareRole.STAFF) == 0.25
    assert shares[thin].verdict == consensus.Verdict.TOO_FEW


def test_passes_are_left_out_of_agree_shares(db, themed: Themed):
    cid = list(themed.topic_of)[0]
    cast(db, themed, cid, {"staff": [A, A, A, VoteChoice.PASS, VoteChoice.PASS]})
    with db.read() as session:
        shares = consensus.by_contribution(session, contribution_ids=[cid])[cid]
    assert shares.share(consensus.CareRole.STAFF) == 1.0 and shares.voters(consensus.CareRole.STAFF) == 3


def test_moderators_can_sort_the_board_by_division(db, themed: Themed):
    gp_ids = [c for c, t in themed.topic_of.items() if t == "gp"]
    for cid in gp_ids[:2]:
        cast(db, themed, cid, {"staff": [D, D, D, D], "service_user": [A, A, A, A]})
    mental = [c for c, t in themed.topic_of.items() if t == "mental"]
    cast(db, themed, mental[0], {"staff": [A, A, A], "service_user": [A, A, A], "carer": [A, A, A]})
    with db.read() as session:
        divided = curation_board.board(session, workshop_id=themed.workshop.id, sort="division").rows
        agreed = curation_board.board(session, workshop_id=themed.workshop.id, show="consensus").rows
    assert divided[0].theme.id == themed.theme_of(db, "gp").id
    assert divided[0].verdict == consensus.Verdict.DIVISIVE
    assert [r.theme.id for r in agreed] == [themed.theme_of(db, "mental").id]
