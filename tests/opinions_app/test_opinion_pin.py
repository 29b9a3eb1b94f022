"""Moderators pin a statement every group agrees with as a quote in a foundation's evidence."""

from __future__ import annotations

from sqlmodel import select

from crowd.models import Access, Evidence, EvidenceKind
from crowd.services.declaration import foundations
from crowd.services.opinions import runs as opinions


def make_foundation(db, title: str = "Get personal") -> int:
    with db.write() as session:
        return foundations.create_foundation(
            session, actor_id=None, title=title, statement="We must get personal."
        ).id


def evidence(db) -> list[Evidence]:
    with db.read() as session:
        return list(session.exec(select(Evidence)))


def test_a_moderator_pins_a_consensus_statement_as_a_quote(db, camps, person):
    foundation_id = make_foundation(db)
    run = opinions.start_run(db, workshop_id=camps.workshop.id, actor_id=None)
    moderator = person("mod@example.org", access=Access.MODERATOR)
    page = moderator.client.get(f"/w/{camps.workshop.slug}/opinions").text
    assert "Pin as evidence for the foundation" in page and "Get personal" in page

    response = moderator.post(
        f"/w/{camps.workshop.slug}/opinions/pin",
        {"run_id": run.id, "contribution_id": camps.consensus_ids[0], "foundation_id": foundation_id},
        follow_redirects=True,
    )

    assert response.status_code == 200
    assert "Pinned: the statement is now a quote" in response.text
    assert "Evidence for: Get personal." in response.text
    (item,) = evidence(db)
    assert (item.kind, item.contribution_id, item.foundation_id) == (
        EvidenceKind.QUOTE,
        camps.consensus_ids[0],
        foundation_id,
    )


def test_pinning_without_a_foundation_or_twice_or_a_divisive_statement_is_refused(db, camps, person):
    foundation_id = make_foundation(db)
    run = opinions.start_run(db, workshop_id=camps.workshop.id, actor_id=None)
    moderator = person("mod@example.org", access=Access.MODERATOR)
    path = f"/w/{camps.workshop.slug}/opinions/pin"
    statement = camps.consensus_ids[1]

    no_foundation = moderator.post(
        path, {"run_id": run.id, "contribution_id": statement, "foundation_id": ""}
    )
    divisive = moderator.post(
        path,
        {
            "run_id": run.id,
            "contribution_id": camps.camp_statement_ids["staff"][0],
            "foundation_id": foundation_id,
        },
    )
    assert no_foundation.status_code == 400
    assert "Choose the foundation this statement is evidence for." in no_foundation.text
    assert divisive.status_code == 400 and "Only a statement that every group agrees with" in divisive.text
    assert evidence(db) == []

    moderator.post(path, {"run_id": run.id, "contribution_id": statement, "foundation_id": foundation_id})
    twice = moderator.post(
        path, {"run_id": run.id, "contribution_id": statement, "foundation_id": foundation_id}
    )
    assert twice.status_code == 409 and "already evidence for this foundation" in twice.text
    assert len(evidence(db)) == 1


def test_a_participant_cannot_pin(db, camps, person):
    foundation_id = make_foundation(db)
    run = opinions.start_run(db, workshop_id=camps.workshop.id, actor_id=None)
    participant = person("staff0@example.org")

    response = participant.post(
        f"/w/{camps.workshop.slug}/opinions/pin",
        {"run_id": run.id, "contribution_id": camps.consensus_ids[0], "foundation_id": foundation_id},
    )

    assert response.status_code == 403
    assert evidence(db) == []
    page = participant.client.get(f"/w/{camps.workshop.slug}/opinions").text
    assert "Pin as evidence" not in page
