"""Vote on ideas one at a time: Pol.is's routing picks the next idea; one vote each, with its mark."""

from __future__ import annotations

import random
import re

from sqlmodel import select

from crowd.models import Access, CareRole, Contribution, Participant, Vote, VoteChoice
from crowd.services.opinions import next_idea
from crowd.services.workshop import votes
from opinions.routing import choose_next, priority_metric
from tests.conftest import make_workshop
from tests.opinions_app.camps import add_participant, post_statements


def offered_id(html: str) -> int | None:
    match = re.search(r'name="contribution_id" value="(\d+)"', html)
    return int(match.group(1)) if match else None


def ideas_with_votes(db, counts: list[int]) -> tuple[object, list[int]]:
    """A workshop whose ideas have the given numbers of votes (half agree, half disagree)."""
    workshop, sections = make_workshop(db)
    author = add_participant(db, "author@example.org", role=CareRole.OTHER, borough="Camden")
    ids = post_statements(db, workshop, sections[0].id, author, [f"Idea {n}" for n in range(len(counts))])
    with db.write() as session:
        voters = [Participant(email=f"v{n}@example.org", display_name=f"V{n}") for n in range(max(counts))]
        session.add_all(voters)
        session.flush()
        for cid, n in zip(ids, counts, strict=True):
            for k, voter in enumerate(voters[:n]):
                choice = VoteChoice.AGREE if k % 2 == 0 else VoteChoice.DISAGREE
                votes.cast_vote(session, participant_id=voter.id, contribution_id=cid, choice=choice)
    return workshop, ids


def test_pol_is_priorities_favour_new_ideas_and_ideas_people_agree_with():
    assert priority_metric(0, 0, 0, 0.0) > priority_metric(5, 0, 10, 0.0) > priority_metric(10, 0, 20, 0.0)
    assert priority_metric(9, 0, 10, 0.0) > priority_metric(1, 0, 10, 0.0)  # agreed rather than not
    assert priority_metric(5, 0, 10, 0.0) > priority_metric(5, 5, 10, 0.0)  # voted rather than passed
    assert priority_metric(5, 0, 10, 2.0) > priority_metric(5, 0, 10, 0.0)  # splits people on the map
    # the values of Pol.is's own examples (conversation.clj comment block)
    assert abs(priority_metric(1, 0, 1, 0) - ((2 / 3) * (2 / 3) * (1 + 8 * 2 ** (-1 / 5))) ** 2) < 1e-12
    assert choose_next([], {}) is None


def test_routing_prefers_the_idea_with_the_fewest_votes(db):
    workshop, (fresh, some, many) = ideas_with_votes(db, [0, 6, 20])
    newcomer = add_participant(db, "newcomer@example.org", role=CareRole.OTHER, borough="Camden")
    rng = random.Random(14)
    picks = {fresh: 0, some: 0, many: 0}
    with db.read() as session:
        for _ in range(400):
            upcoming = next_idea.next_idea(session, workshop_id=workshop.id, participant_id=newcomer, rng=rng)
            picks[upcoming.idea.id] += 1
    assert picks[fresh] > picks[some] > picks[many]
    assert picks[fresh] > 200  # the idea nobody has voted on gets most of the draws


def test_routing_never_offers_an_idea_twice(db, person):
    workshop, ids = ideas_with_votes(db, [0, 1, 3, 5, 8, 2])
    voter = person("ann@example.org")
    offered = []
    page = voter.client.get(f"/w/{workshop.slug}/one-at-a-time").text
    while (cid := offered_id(page)) is not None:
        assert cid not in offered
        offered.append(cid)
        choice = ("agree", "disagree", "pass")[len(offered) % 3]
        page = voter.post(
            f"/w/{workshop.slug}/one-at-a-time", {"contribution_id": str(cid), "choice": choice}
        ).text
        assert len(offered) <= len(ids)
    assert sorted(offered) == sorted(ids)
    assert f"You have voted on all {len(ids)} ideas" in page
    with db.read() as session:
        mine = session.exec(select(Vote).where(Vote.participant_id == voter.id)).all()
    assert len(mine) == len(ids)


def test_a_vote_with_its_importance_mark_is_counted_once(db, person):
    workshop, (cid,) = ideas_with_votes(db, [0])
    voter = person("ann@example.org")
    page = voter.client.get(f"/w/{workshop.slug}/one-at-a-time").text
    assert offered_id(page) == cid and "This is important to me" in page
    form = {"contribution_id": str(cid), "choice": "agree", "important": "yes"}

    first = voter.post(f"/w/{workshop.slug}/one-at-a-time", form, follow_redirects=False)
    again = voter.post(f"/w/{workshop.slug}/one-at-a-time", form, headers={"HX-Request": "true"})

    assert first.status_code == 303 and first.headers["location"] == f"/w/{workshop.slug}/one-at-a-time"
    assert again.status_code == 200 and again.text.lstrip().startswith('<div id="next-idea"')
    assert "Your vote is recorded: you agreed and marked it important." in again.text
    with db.read() as session:
        [vote] = session.exec(select(Vote).where(Vote.participant_id == voter.id)).all()
        idea = session.get(Contribution, cid)
    assert vote.choice == VoteChoice.AGREE and vote.important is True
    assert (idea.agree_count, idea.disagree_count, idea.pass_count) == (1, 0, 0)


def test_bad_input_is_refused_with_a_message_and_changes_nothing(db, person, client):
    workshop, (cid,) = ideas_with_votes(db, [0])
    other, _ = make_workshop(db, title="Another workshop")
    voter = person("ann@example.org")
    url = f"/w/{workshop.slug}/one-at-a-time"

    wrong_choice = voter.post(url, {"contribution_id": str(cid), "choice": "maybe"})
    no_idea = voter.post(url, {"choice": "agree"})
    elsewhere = voter.post(f"/w/{other.slug}/one-at-a-time", {"contribution_id": str(cid), "choice": "agree"})
    no_csrf = voter.client.post(url, data={"contribution_id": str(cid), "choice": "agree"})
    anonymous = client.get(url, follow_redirects=False)

    assert wrong_choice.status_code == 400 and "Choose agree, disagree or pass." in wrong_choice.text
    assert no_idea.status_code == 400 and "Choose an idea to vote on." in no_idea.text
    assert elsewhere.status_code == 404 and "not available for voting in this workshop" in elsewhere.text
    assert no_csrf.status_code == 403
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/auth/sign-in")
    with db.read() as session:
        assert session.exec(select(Vote)).all() == []


def test_the_workshop_page_offers_one_at_a_time_voting_first(db, person):
    workshop, _ = ideas_with_votes(db, [0])
    html = person("ann@example.org").client.get(f"/w/{workshop.slug}").text
    assert f'href="/w/{workshop.slug}/one-at-a-time"' in html
    assert html.index("/one-at-a-time") < html.index('id="ideas"')


def test_moderators_and_leads_can_vote_one_at_a_time_too(db, person):
    workshop, (cid,) = ideas_with_votes(db, [0])
    lead = person("lead@example.org", access=Access.LEAD)
    assert offered_id(lead.client.get(f"/w/{workshop.slug}/one-at-a-time").text) == cid


def test_a_closed_workshop_says_so_and_takes_no_vote(db, person):
    from crowd.models import Workshop, WorkshopStatus

    workshop, (cid,) = ideas_with_votes(db, [0])
    voter = person("ann@example.org")
    url = f"/w/{workshop.slug}/one-at-a-time"
    csrf = voter.csrf(url)
    with db.write() as session:
        session.get(Workshop, workshop.id).status = WorkshopStatus.CLOSED

    page = voter.client.get(url).text
    refused = voter.client.post(
        url, data={"csrf_token": csrf, "contribution_id": str(cid), "choice": "agree"}
    )

    assert "This workshop is not open for voting any more." in page and offered_id(page) is None
    assert refused.status_code == 400 and "This workshop has closed" in refused.text
    with db.read() as session:
        assert session.exec(select(Vote)).all() == []


def test_an_idea_hidden_while_on_screen_is_refused_and_the_next_one_offered(db, person):
    from crowd.services.workshop import moderation

    workshop, (first, second) = ideas_with_votes(db, [0, 0])
    moderator = add_participant(db, "mod@example.org", role=CareRole.STAFF, borough="Camden")
    voter = person("ann@example.org")
    with db.write() as session:
        moderation.hide(session, contribution_id=first, actor_id=moderator, reason="Off topic")

    refused = voter.post(
        f"/w/{workshop.slug}/one-at-a-time",
        {"contribution_id": str(first), "choice": "agree"},
        headers={"HX-Request": "true"},
    )

    # htmx swaps only 2xx answers, so the refusal comes as the card, saying why, with the next idea
    assert refused.status_code == 200 and "not available for voting" in refused.text
    assert refused.text.lstrip().startswith('<div id="next-idea"') and offered_id(refused.text) == second
    plain = voter.post(
        f"/w/{workshop.slug}/one-at-a-time", {"contribution_id": str(first), "choice": "agree"}
    )
    assert plain.status_code == 404 and "not available for voting" in plain.text


def test_one_at_a_time_votes_count_against_the_write_rate_limit(settings, db):
    import dataclasses

    from starlette.testclient import TestClient

    from crowd.app import create_app
    from tests.conftest import sign_in

    workshop, ids = ideas_with_votes(db, [0, 0, 0, 0])
    strict = create_app(
        dataclasses.replace(settings, rate_limits_enabled=True, rate_limit_writes="3/minute"), migrate=False
    )
    with TestClient(strict) as client:
        voter = sign_in(client, db, "ann@example.org")
        url = f"/w/{workshop.slug}/one-at-a-time"
        answers = []
        for _ in range(4):
            page = client.get(url).text
            form = {
                "csrf_token": voter.csrf(url),
                "contribution_id": str(offered_id(page)),
                "choice": "agree",
            }
            answers.append(client.post(url, data=form, follow_redirects=False).status_code)
    strict.state.db.dispose()
    assert answers[-1] == 429 and answers.count(303) <= 3
    with db.read() as session:
        assert len(session.exec(select(Vote).where(Vote.participant_id == voter.id)).all()) == answers.count(
            303
        )
