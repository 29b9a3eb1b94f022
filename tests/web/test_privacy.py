"""A participant downloads their data and erases their account."""

import json

from sqlmodel import select

from crowd.models import Contribution, Participant, Vote
from crowd.services.privacy import REMOVED


def _post_idea(person, workshop, section, text):
    response = person.post(f"/w/{workshop.slug}/ideas", {"section_id": section.id, "text": text})
    assert response.status_code == 200
    return int(str(response.url.path).rsplit("/", 1)[1])


def test_participant_downloads_everything_stored_about_them(person, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org", name="Ann")
    _post_idea(ann, workshop, sections[0], "Named care coordinators for everyone.")
    response = ann.client.get("/me/data")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    data = json.loads(response.text)
    assert data["profile"]["email"] == "ann@example.org"
    assert [c["text"] for c in data["contributions"]] == ["Named care coordinators for everyone."]


def test_erasure_keeps_ideas_only_as_anonymous_text_when_allowed(person, open_workshop, db):
    workshop, sections = open_workshop
    ann = person("ann@example.org", name="Ann")
    kept = _post_idea(ann, workshop, sections[0], "Tell my story once.")
    bob = person("bob@example.org")
    bob_idea = _post_idea(bob, workshop, sections[1], "Share records between GP and hospital.")
    ann.client.post(f"/c/{bob_idea}/vote", data={"choice": "agree", "csrf_token": ann.csrf()})

    refused = ann.post("/me/erase", {"keep": "yes"})
    assert refused.status_code == 400
    assert "Tick the box" in refused.text

    done = ann.post("/me/erase", {"keep": "yes", "confirm": "yes"})
    assert done.status_code == 200
    with db.read() as session:
        person_row = session.exec(select(Participant).where(Participant.display_name == "Ann")).first()
        assert person_row is None
        idea = session.get(Contribution, kept)
        assert idea.text == "Tell my story once." and idea.author_id is None
        assert session.get(Contribution, bob_idea).agree_count == 0
        assert session.get(Contribution, bob_idea).support == 0.0
        assert session.exec(select(Vote)).all() == []
    assert ann.client.get("/me", follow_redirects=False).status_code == 303


def test_erasure_can_remove_the_ideas_too(person, open_workshop, db):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    idea_id = _post_idea(ann, workshop, sections[0], "Please remove this later.")
    ann.post("/me/erase", {"keep": "no", "confirm": "yes"})
    with db.read() as session:
        idea = session.get(Contribution, idea_id)
        assert idea.text == REMOVED
        assert idea.author_id is None
    assert "Please remove this later." not in ann.client.get(f"/w/{workshop.slug}").text
