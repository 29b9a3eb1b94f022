"""Posting ideas and comments: threading, bad input, personal data masking, escaping, closed workshops."""

from datetime import timedelta

import pytest
from sqlmodel import select

from crowd.models import CareRole, Contribution, ContributionKind, Workshop, WorkshopStatus
from crowd.models._base import utcnow
from tests.conftest import make_workshop
from tests.web.conftest import contribution, count_contributions, idea_id_of, post_idea


def test_participant_posts_an_idea_and_others_see_it_with_role_and_borough(person, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org", role=CareRole.CARER)
    response = post_idea(ann, workshop, sections[1], "Share one care plan across the borough.")
    assert response.status_code == 200
    assert "your idea is posted" in response.text
    bob = person("bob@example.org")
    page = bob.client.get(f"/w/{workshop.slug}").text
    assert "Share one care plan across the borough." in page
    assert "Carer, Hackney" in page


def test_a_reply_to_a_comment_is_attached_to_its_idea(person, db, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    idea_id = idea_id_of(post_idea(ann, workshop, sections[0], "Ask what matters"))
    bob = person("bob@example.org")
    bob.post(f"/w/{workshop.slug}/ideas/{idea_id}/comments", {"text": "Yes please"})
    with db.read() as session:
        comment = session.exec(
            select(Contribution).where(Contribution.kind == ContributionKind.COMMENT)
        ).one()
    reply = ann.post(f"/w/{workshop.slug}/ideas/{comment.id}/comments", {"text": "Thanks Bob"})
    assert reply.status_code == 200
    with db.read() as session:
        replies = session.exec(select(Contribution).where(Contribution.text == "Thanks Bob")).one()
        idea = session.get(Contribution, idea_id)
    assert replies.parent_id == idea_id
    assert idea.comment_count == 2
    assert ann.client.get(f"/w/{workshop.slug}/ideas/{comment.id}", follow_redirects=False).status_code == 303
    thread = ann.client.get(f"/w/{workshop.slug}/ideas/{idea_id}").text
    assert thread.index("Yes please") < thread.index("Thanks Bob")
    assert "2 comments" in thread


BAD_INPUT = {
    "": "Write something before posting.",
    "   \n ": "Write something before posting.",
    "x" * 2001: "Keep it to 2,000 characters or fewer",
    "<script>alert('hi')</script>": "HTML tags and scripts are not allowed",
    'Look <a href="http://x">here</a>': "HTML tags and scripts are not allowed",
    "click javascript:alert(1)": "HTML tags and scripts are not allowed",
}


def test_bad_ideas_and_comments_get_a_clear_message_and_store_nothing(person, db, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    idea_id = idea_id_of(post_idea(ann, workshop, sections[0], "A fine idea"))
    for text, message in BAD_INPUT.items():
        response = post_idea(ann, workshop, sections[0], text)
        assert response.status_code == 400
        assert message in response.text
        comment = ann.post(f"/w/{workshop.slug}/ideas/{idea_id}/comments", {"text": text})
        assert comment.status_code == 400
        assert message in comment.text
    assert count_contributions(db) == 1


def test_exactly_two_thousand_characters_is_allowed(person, db, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    assert post_idea(ann, workshop, sections[0], "y" * 2000).status_code == 200
    assert count_contributions(db) == 1


def test_the_same_post_twice_in_a_row_is_refused(person, db, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    post_idea(ann, workshop, sections[0], "Longer appointments for carers")
    again = post_idea(ann, workshop, sections[0], "  longer appointments   for carers ")
    assert again.status_code == 400
    assert "You have just posted this" in again.text
    assert count_contributions(db) == 1
    bob = person("bob@example.org")
    assert post_idea(bob, workshop, sections[0], "Longer appointments for carers").status_code == 200


def test_an_idea_needs_a_section_of_this_workshop(person, db, open_workshop):
    workshop, _ = open_workshop
    other, other_sections = make_workshop(db, title="Another workshop")
    ann = person("ann@example.org")
    for section_id in ("", other_sections[0].id):
        response = ann.post(f"/w/{workshop.slug}/ideas", {"section_id": section_id, "text": "Which part?"})
        assert response.status_code == 400
        assert "Choose which part of the draft" in response.text
    assert count_contributions(db) == 0


def test_personal_data_is_masked_and_the_author_is_told(person, db, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    text = "My NHS number is 943 476 5919, ring 07700 900123 or ann@example.org, I live in E1 6AN."
    response = post_idea(ann, workshop, sections[0], text)
    assert response.status_code == 200
    assert "To protect privacy we removed" in response.text
    for kind in ("an NHS number", "a phone number", "an email address", "a postcode"):
        assert kind in response.text
    bob = person("bob@example.org")
    page = bob.client.get(f"/w/{workshop.slug}").text
    for secret in ("943 476 5919", "07700 900123", "ann@example.org", "E1 6AN"):
        assert secret not in page
    assert "[NHS number removed]" in page
    with db.read() as session:
        stored = session.exec(select(Contribution)).one()
    assert "943 476 5919" not in stored.text
    assert set(stored.masked_kinds) == {"nhs_number", "phone", "email", "postcode"}


def test_an_invalid_nhs_number_is_left_as_written(person, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    response = post_idea(ann, workshop, sections[0], "Leaflet code 943 476 5918 is confusing")
    assert "943 476 5918" in response.text
    assert "To protect privacy" not in response.text


def test_masking_applies_to_comments_too(person, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    idea_id = idea_id_of(post_idea(ann, workshop, sections[0], "An idea"))
    reply = ann.post(f"/w/{workshop.slug}/ideas/{idea_id}/comments", {"text": "Call me on (020) 7946 0958"})
    assert "a phone number" in reply.text
    assert "7946 0958" not in reply.text


def test_names_and_search_terms_with_script_are_shown_escaped(person, open_workshop):
    workshop, sections = open_workshop
    eve = person("eve@example.org", name="<script>alert(1)</script>")
    post_idea(eve, workshop, sections[0], "An ordinary idea")
    page = eve.client.get(f"/w/{workshop.slug}").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    search = eve.client.get(f"/w/{workshop.slug}", params={"q": "<img src=x onerror=alert(1)>"}).text
    assert "<img src=x" not in search
    assert "&lt;img src=x onerror=alert(1)&gt;" in search


@pytest.mark.parametrize("when", ["closed", "opens_at ahead"])
def test_closed_and_not_yet_open_workshops_are_readable_but_refuse_writes(person, db, when):
    status = {"closed": WorkshopStatus.CLOSED, "scheduled": WorkshopStatus.SCHEDULED}.get(
        when, WorkshopStatus.OPEN
    )
    workshop, sections = make_workshop(db, status=WorkshopStatus.OPEN)
    ann = person("ann@example.org")
    idea_id = idea_id_of(post_idea(ann, workshop, sections[0], "Posted while open"))
    with db.write() as session:
        row = session.get(Workshop, workshop.id)
        row.status = status
        if when == "closes_at passed":
            row.closes_at = utcnow() - timedelta(minutes=5)
        if when == "opens_at ahead":
            row.opens_at = utcnow() + timedelta(days=2)
        session.add(row)
    expected = "has closed" if "clos" in when else "not open yet"
    page = ann.client.get(f"/w/{workshop.slug}")
    assert page.status_code == 200
    assert "Posted while open" in page.text
    assert "Post your idea" not in page.text
    writes = [
        post_idea(ann, workshop, sections[0], "Posted too late"),
        ann.post(f"/w/{workshop.slug}/ideas/{idea_id}/comments", {"text": "Late comment"}),
        ann.post(f"/c/{idea_id}/vote", {"choice": "agree"}),
        ann.post(f"/w/{workshop.slug}/poll", {"choice": "mostly"}),
        ann.post(f"/c/{idea_id}/edit", {"text": "Edited late"}),
        ann.post(f"/c/{idea_id}/withdraw"),
    ]
    for response in writes:
        assert response.status_code == 400, response.text
        assert expected in response.text, response.text[response.text.find("<main") :][:1500]
    assert count_contributions(db) == 1
    stored = contribution(db, idea_id)
    assert stored.text == "Posted while open" and stored.agree_count == 0 and stored.withdrawn_at is None
