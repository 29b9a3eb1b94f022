"""Votes (one per person per item, changeable, updated in place) and the straw poll."""

from sqlmodel import select

from crowd.models import Contribution, ContributionStatus, PollAnswer, Vote
from tests.web.conftest import contribution, idea_id_of, post_idea, vote


def test_votes_update_in_place_and_are_never_double_counted(person, db, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    idea_id = idea_id_of(post_idea(ann, workshop, sections[0], "Named key worker for every family"))
    bob = person("bob@example.org")
    first = vote(bob, idea_id, "agree")
    assert first.status_code == 200
    assert first.text.lstrip().startswith(f'<div id="votes-{idea_id}"')  # just the partial, no page
    assert "<html" not in first.text
    assert 'data-count="agree">1<' in first.text
    assert 'aria-pressed="true" data-choice="agree"' in first.text
    again = vote(bob, idea_id, "agree")
    assert 'data-count="agree">1<' in again.text
    changed = vote(bob, idea_id, "pass")
    assert 'data-count="agree">0<' in changed.text and 'data-count="pass">1<' in changed.text
    vote(ann, idea_id, "disagree")
    stored = contribution(db, idea_id)
    assert (stored.agree_count, stored.disagree_count, stored.pass_count) == (0, 1, 1)
    with db.read() as session:
        assert len(session.exec(select(Vote)).all()) == 2


def test_voting_without_javascript_returns_to_the_idea(person, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    idea_id = idea_id_of(post_idea(ann, workshop, sections[0], "Plain form voting"))
    response = vote(ann, idea_id, "agree", htmx=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/w/{workshop.slug}/ideas/{idea_id}#c{idea_id}"
    page = ann.client.get(response.headers["location"]).text
    assert "Your vote is recorded" in page
    assert 'data-count="agree">1<' in page


def test_comments_can_be_voted_on_too(person, db, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    idea_id = idea_id_of(post_idea(ann, workshop, sections[0], "An idea"))
    ann.post(f"/w/{workshop.slug}/ideas/{idea_id}/comments", {"text": "A comment"})
    with db.read() as session:
        comment_id = session.exec(select(Contribution.id).where(Contribution.parent_id == idea_id)).one()
    assert 'data-count="disagree">1<' in vote(ann, comment_id, "disagree").text


def test_votes_on_hidden_missing_or_withdrawn_items_are_refused_and_change_nothing(person, db, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    hidden = idea_id_of(post_idea(ann, workshop, sections[0], "To be hidden"))
    withdrawn = idea_id_of(post_idea(ann, workshop, sections[0], "To be withdrawn"))
    with db.write() as session:
        row = session.get(Contribution, hidden)
        row.status = ContributionStatus.HIDDEN
        session.add(row)
    ann.post(f"/c/{withdrawn}/withdraw")
    bob = person("bob@example.org")
    for target in (hidden, withdrawn, 424242):
        response = vote(bob, target, "agree", htmx=False)
        assert response.status_code == 404
        assert "not available for voting" in response.text
    htmx = vote(bob, hidden, "agree")
    assert htmx.status_code == 404
    assert htmx.headers["HX-Retarget"] == "#htmx-errors"
    assert "not available for voting" in htmx.text
    with db.read() as session:
        assert session.exec(select(Vote)).all() == []
        assert {c.agree_count for c in session.exec(select(Contribution))} == {0}


def test_an_unknown_vote_choice_is_refused(person, db, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    idea_id = idea_id_of(post_idea(ann, workshop, sections[0], "An idea"))
    response = vote(ann, idea_id, "strongly agree", htmx=False)
    assert response.status_code == 400
    assert "Choose agree, disagree or pass" in response.text
    assert contribution(db, idea_id).votes_total == 0


def test_poll_results_are_shown_only_after_answering_and_the_answer_can_change(person, db, open_workshop):
    workshop, _ = open_workshop
    ann = person("ann@example.org")
    before = ann.client.get(f"/w/{workshop.slug}").text
    assert "Do you support the draft?" in before
    assert "data-poll-count" not in before and "You answered" not in before
    answered = ann.client.post(
        f"/w/{workshop.slug}/poll",
        data={"choice": "mostly", "csrf_token": ann.csrf()},
        headers={"HX-Request": "true"},
    )
    assert answered.status_code == 200
    assert answered.text.lstrip().startswith('<section id="poll"')
    assert "You answered <strong>Mostly</strong>" in answered.text
    assert 'data-poll-count="mostly">1<' in answered.text
    bob = person("bob@example.org")
    assert "data-poll-count" not in bob.client.get(f"/w/{workshop.slug}").text
    bob.post(f"/w/{workshop.slug}/poll", {"choice": "completely"})
    changed = ann.post(f"/w/{workshop.slug}/poll", {"choice": "not_at_all"})
    assert "You answered <strong>Not at all</strong>" in changed.text
    assert 'data-poll-count="not_at_all">1<' in changed.text
    assert 'data-poll-count="mostly">0<' in changed.text
    assert "50% support the draft completely or mostly" in changed.text
    with db.read() as session:
        assert len(session.exec(select(PollAnswer)).all()) == 2


def test_a_poll_answer_must_be_one_of_the_choices(person, db, open_workshop):
    workshop, _ = open_workshop
    ann = person("ann@example.org")
    response = ann.post(f"/w/{workshop.slug}/poll", {"choice": "sort of"})
    assert response.status_code == 400
    assert "Choose one answer" in response.text
    with db.read() as session:
        assert session.exec(select(PollAnswer)).all() == []
