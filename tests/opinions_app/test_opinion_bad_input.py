"""Too few or too uniform votes give a clear "not enough votes to form groups" on the page, never a crash."""

from __future__ import annotations

import pytest

from crowd.models import CareRole, OpinionRunStatus, Vote, VoteChoice
from crowd.services.opinions import runs as opinions
from tests.conftest import make_workshop
from tests.opinions_app.camps import add_participant, post_statements

TEXTS = [f"Statement number {n} about joined-up care." for n in range(8)]


def workshop_with_voters(db, ballots: list[list[VoteChoice]]):
    """A workshop of eight statements; one participant per ballot, voting it in order."""
    workshop, sections = make_workshop(db)
    author = add_participant(db, "author@example.org", role=CareRole.OTHER, borough="Camden")
    ids = post_statements(db, workshop, sections[0].id, author, TEXTS)
    for n, ballot in enumerate(ballots):
        pid = add_participant(db, f"voter{n}@example.org", role=CareRole.CARER, borough="Brent")
        with db.write() as session:
            session.add_all(
                Vote(participant_id=pid, contribution_id=cid, choice=c)
                for cid, c in zip(ids, ballot, strict=False)
            )
    return workshop


def map_page(client, workshop) -> str:
    response = client.get(f"/w/{workshop.slug}/opinions")
    assert response.status_code == 200
    return response.text


A, D, P = VoteChoice.AGREE, VoteChoice.DISAGREE, VoteChoice.PASS


@pytest.mark.parametrize(
    ("ballots", "reason"),
    [
        ([], "there are no votes"),
        ([[A, D, A, D, A, D, A, D]], "1 participant(s) voted"),
        ([[A] * 8] * 6, "everyone voted the same way"),
        ([[P] * 8] * 6, "everyone voted the same way"),
    ],
    ids=["no votes", "one participant", "everyone agrees with everything", "everyone only passes"],
)
def test_too_few_or_too_uniform_votes_say_not_enough_votes_on_the_page(client, db, ballots, reason):
    workshop = workshop_with_voters(db, ballots)

    run = opinions.start_run(db, workshop_id=workshop.id, actor_id=None)
    html = map_page(client, workshop)

    assert run.status == OpinionRunStatus.NOT_ENOUGH_VOTES
    assert run.message.startswith("not enough votes to form groups")
    assert "Not enough votes to form groups" in html
    assert reason in html


def test_a_statement_nobody_saw_is_left_out_without_harm(client, db, camps):
    post_statements(db, camps.workshop, _section_of(db, camps), camps.author_id, ["Nobody has seen this."])

    run = opinions.start_run(db, workshop_id=camps.workshop.id, actor_id=None)

    assert run.status == OpinionRunStatus.OK and run.counts["statements"] == 11
    assert "Nobody has seen this." not in map_page(client, camps.workshop)


def test_a_participant_who_only_passes_is_counted_without_harm(client, db, camps, person):
    passer = add_participant(db, "passer@example.org", role=CareRole.OTHER, borough="Ealing")
    with db.write() as session:
        for cid in camps.consensus_ids + [c for ids in camps.camp_statement_ids.values() for c in ids]:
            session.add(Vote(participant_id=passer, contribution_id=cid, choice=VoteChoice.PASS))

    run = opinions.start_run(db, workshop_id=camps.workshop.id, actor_id=None)

    assert run.status == OpinionRunStatus.OK and run.counts["groups"] == 3
    assert run.counts["participants"] == 25
    html = person("passer@example.org").client.get(f"/w/{camps.workshop.slug}/opinions").text
    assert "You are in group" in html or "You have not voted on enough statements yet." in html


def test_participants_with_too_few_votes_are_counted_but_not_grouped(client, db, camps):
    late = add_participant(db, "late@example.org", role=CareRole.OTHER, borough="Ealing")
    with db.write() as session:
        session.add(
            Vote(participant_id=late, contribution_id=camps.consensus_ids[0], choice=VoteChoice.AGREE)
        )

    run = opinions.start_run(db, workshop_id=camps.workshop.id, actor_id=None)

    assert run.counts["participants"] == 25 and run.counts["participants_clustered"] == 24
    assert "Not in a group yet (voted on too few statements)" in map_page(client, camps.workshop)


def _section_of(db, camps) -> int:
    from sqlmodel import select

    from crowd.models import Section

    with db.read() as session:
        return session.exec(select(Section.id).where(Section.workshop_id == camps.workshop.id)).first()
