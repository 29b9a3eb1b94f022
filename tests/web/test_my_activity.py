"""My activity: own ideas, comments, votes and poll answer; edit or withdraw own while open."""

from crowd.models import Access
from tests.web.conftest import contribution, idea_id_of, post_idea, vote


def test_my_activity_lists_my_ideas_comments_votes_and_poll_answer_only(person, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    bob = person("bob@example.org")
    mine = idea_id_of(post_idea(ann, workshop, sections[0], "Ann's own idea"))
    theirs = idea_id_of(post_idea(bob, workshop, sections[1], "Bob's idea"))
    ann.post(f"/w/{workshop.slug}/ideas/{theirs}/comments", {"text": "Ann's comment on Bob's idea"})
    vote(ann, theirs, "disagree")
    ann.post(f"/w/{workshop.slug}/poll", {"choice": "partly"})
    page = ann.client.get("/me").text
    assert "My ideas (1)" in page and "Ann&#39;s own idea" in page
    assert "My comments (1)" in page and "Ann&#39;s comment on Bob&#39;s idea" in page
    assert "My votes (1)" in page and "Disagree" in page
    assert "Partly" in page
    assert f"/c/{mine}/edit" in page
    assert f"/c/{theirs}/edit" not in page


def test_author_edits_and_withdraws_own_idea_while_open(person, db, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    idea_id = idea_id_of(post_idea(ann, workshop, sections[0], "First thoughts"))
    form = ann.client.get(f"/c/{idea_id}/edit")
    assert form.status_code == 200 and "First thoughts" in form.text
    edited = ann.post(f"/c/{idea_id}/edit", {"text": "Second thoughts, call 07700 900123"})
    assert edited.status_code == 200
    assert "Your changes are saved" in edited.text and "a phone number" in edited.text
    assert contribution(db, idea_id).text == "Second thoughts, call [phone number removed]"
    bad = ann.post(f"/c/{idea_id}/edit", {"text": ""})
    assert bad.status_code == 400 and "Write something before posting" in bad.text
    assert contribution(db, idea_id).text.startswith("Second thoughts")
    ann.post(f"/c/{idea_id}/withdraw")
    assert contribution(db, idea_id).withdrawn_at is not None
    assert "Second thoughts" not in ann.client.get(f"/w/{workshop.slug}").text
    assert "My ideas (0)" in ann.client.get("/me").text


def test_nobody_edits_or_withdraws_someone_elses_contribution(person, db, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    idea_id = idea_id_of(post_idea(ann, workshop, sections[0], "Ann's idea"))
    for who in (person("bob@example.org"), person("mod@example.org", access=Access.MODERATOR)):
        assert who.client.get(f"/c/{idea_id}/edit").status_code == 404
        edit = who.post(f"/c/{idea_id}/edit", {"text": "Vandalised"})
        assert edit.status_code == 403 and "only change your own" in edit.text
        assert who.post(f"/c/{idea_id}/withdraw").status_code == 403
    stored = contribution(db, idea_id)
    assert stored.text == "Ann's idea" and stored.withdrawn_at is None
