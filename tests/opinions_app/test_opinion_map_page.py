"""The opinion map page: groups on an SVG map, what each believes, consensus, and where you sit."""

from __future__ import annotations

import re

from sqlmodel import select

from crowd.models import Access, AuditEntry, Contribution, ContributionStatus, OpinionRun, OpinionRunStatus
from crowd.services.opinions import runs as opinions
from tests.conftest import make_workshop
from tests.opinions_app.camps import CONSENSUS_TEXTS


def points_in(html: str) -> list[str]:
    return re.findall(r'<g class="opinion-point[^"]*" data-group="([^"]*)"', html)


def start_from_the_page(moderator, workshop):
    """Press the run button, wait for the background analysis, then open the page again."""
    started = moderator.post(f"/w/{workshop.slug}/opinions/runs", follow_redirects=True)
    assert started.status_code == 200 and "has started" in started.text
    opinions.wait_for_background()
    return moderator.client.get(f"/w/{workshop.slug}/opinions")


def test_anyone_can_read_the_map_with_groups_statements_and_consensus(client, db, camps):
    opinions.start_run(db, workshop_id=camps.workshop.id, actor_id=None)

    page = client.get(f"/w/{camps.workshop.slug}/opinions")

    assert page.status_code == 200
    html = page.text
    assert "<svg" in html and 'role="img"' in html
    drawn = points_in(html)
    assert len(drawn) == 24 and set(drawn) == {"A", "B", "C"}
    for letter in "ABC":
        assert f"Group {letter}: 8 participants" in html
    consensus = html[html.index('id="opinion-consensus"') :]
    for text in CONSENSUS_TEXTS:
        assert text in consensus
    assert f'href="/w/{camps.workshop.slug}/ideas/{camps.consensus_ids[0]}"' in html
    assert "Staff need protected time for training." in html  # a representative statement
    groups = html[html.index('id="group-A"') : html.index('id="consensus"')]
    assert CONSENSUS_TEXTS[0] not in groups  # agreed by all: not what sets a group apart
    # in plain words, from the counts: the staff camp agreed with its statements, the others did not
    assert "100% of group" in groups and "agreed</strong> (8 of 8), against 0% of everyone else." in groups
    assert 'id="opinion-groups-table"' in html  # the text alternative to the map
    assert "Service user: 8" in html  # make-up by role
    assert "Sign in</a> to see where you sit" in html
    assert "Run the opinion analysis" not in html  # no moderator controls for the public


def test_a_participant_sees_which_group_they_are_in_and_their_point(db, camps, person):
    opinions.start_run(db, workshop_id=camps.workshop.id, actor_id=None)
    run = opinions_latest(db, camps)
    mine = next(p for p in run.result["points"] if p["participant_id"] == camps.members["carer"][2])
    letter = "ABC"[mine["group"]]
    carer = person("carer2@example.org")

    html = carer.client.get(f"/w/{camps.workshop.slug}/opinions").text

    assert f"You are in group {letter}." in html
    assert html.count("opinion-point--mine") == 1
    assert f"You: group {letter}" in html


def test_a_participant_who_has_not_voted_is_told_so(db, camps, person):
    opinions.start_run(db, workshop_id=camps.workshop.id, actor_id=None)
    newcomer = person("newcomer@example.org")

    html = newcomer.client.get(f"/w/{camps.workshop.slug}/opinions").text

    assert "You have not voted on enough statements yet." in html
    assert "opinion-point--mine" not in html


def test_a_workshop_without_votes_says_there_are_not_enough_votes(client, db, person):
    workshop, _ = make_workshop(db)
    moderator = person("mod@example.org", access=Access.MODERATOR)

    before = client.get(f"/w/{workshop.slug}/opinions")
    started = start_from_the_page(moderator, workshop)

    assert before.status_code == 200 and "No opinion analysis has been run" in before.text
    assert started.status_code == 200
    assert "Not enough votes to form groups" in started.text
    assert "there are no votes" in started.text
    with db.read() as session:
        run = session.exec(select(OpinionRun)).one()
    assert run.status == OpinionRunStatus.NOT_ENOUGH_VOTES and run.created_by == moderator.id


def test_a_moderator_runs_the_analysis_from_the_page_and_it_is_audited(db, camps, person):
    moderator = person("mod@example.org", access=Access.MODERATOR)

    response = start_from_the_page(moderator, camps.workshop)

    assert response.status_code == 200
    assert "3 opinion groups among 24 of 24 participants" in response.text
    assert "Run the opinion analysis again" in response.text
    assert re.search(r"Run \d+</a> \(shown\)", response.text)
    with db.read() as session:
        run = session.exec(select(OpinionRun)).one()
        audit = session.exec(select(AuditEntry).where(AuditEntry.action == "start_opinion_run")).one()
    assert run.created_by == moderator.id and audit.actor_id == moderator.id
    assert len(points_in(response.text)) == 24


def test_a_participant_cannot_start_a_run_or_poll_one(db, camps, person):
    participant = person("staff1@example.org")
    with db.write() as session:
        run = opinions.begin_run(session, workshop_id=camps.workshop.id, actor_id=None)

    refused = participant.post(f"/w/{camps.workshop.slug}/opinions/runs")
    polled = participant.client.get(f"/w/{camps.workshop.slug}/opinions/runs/{run.id}")

    assert refused.status_code == 403 and polled.status_code == 403
    with db.read() as session:
        assert len(session.exec(select(OpinionRun)).all()) == 1


def test_a_running_analysis_is_polled_until_it_finishes(db, camps, person):
    moderator = person("mod@example.org", access=Access.MODERATOR)
    with db.write() as session:
        run = opinions.begin_run(session, workshop_id=camps.workshop.id, actor_id=moderator.id)
    path = f"/w/{camps.workshop.slug}/opinions/runs/{run.id}"

    page = moderator.client.get(f"/w/{camps.workshop.slug}/opinions").text
    running = moderator.client.get(path, headers={"HX-Request": "true"})
    opinions.execute_run(db, run_id=run.id)
    finished = moderator.client.get(path, headers={"HX-Request": "true"})

    assert f'hx-get="{path}"' in page and "is running" in page
    assert 'id="opinion-run-status"' in running.text and "HX-Refresh" not in running.headers
    assert finished.headers["HX-Refresh"] == "true" and "has finished" in finished.text


def test_a_statement_hidden_after_the_run_is_not_shown_on_the_map(client, db, camps):
    opinions.start_run(db, workshop_id=camps.workshop.id, actor_id=None)
    with db.write() as session:
        session.get(Contribution, camps.consensus_ids[0]).status = ContributionStatus.HIDDEN

    html = client.get(f"/w/{camps.workshop.slug}/opinions").text

    assert CONSENSUS_TEXTS[0] not in html
    assert "since been hidden by the moderators" in html


def test_a_draft_workshops_map_is_not_public(client, db, person):
    from crowd.models import WorkshopStatus

    workshop, _ = make_workshop(db, status=WorkshopStatus.DRAFT)

    assert client.get(f"/w/{workshop.slug}/opinions").status_code == 404
    moderator = person("mod@example.org", access=Access.MODERATOR)
    assert moderator.client.get(f"/w/{workshop.slug}/opinions").status_code == 200


def test_small_make_up_counts_are_hidden_from_the_public_but_not_from_moderators(client, db, camps, person):
    from crowd.models import CareRole
    from tests.opinions_app.camps import add_participant, insert_camp_votes

    odd = add_participant(db, "odd@example.org", role=CareRole.STAFF, borough="Bromley")
    insert_camp_votes(db, camps, odd, "carer", 4)
    opinions.start_run(db, workshop_id=camps.workshop.id, actor_id=None)
    moderator = person("mod@example.org", access=Access.MODERATOR)

    public = client.get(f"/w/{camps.workshop.slug}/opinions").text
    exact = moderator.client.get(f"/w/{camps.workshop.slug}/opinions").text

    assert "Bromley: fewer than 5" in public and "Bromley: 1" not in public  # SMALL_CELL_THRESHOLD
    assert "Bromley: 1" in exact


def opinions_latest(db, camps) -> OpinionRun:
    with db.read() as session:
        return opinions.latest_finished(session, workshop_id=camps.workshop.id)
