"""A participant's path through an open workshop, over HTTP."""

from crowd.models import WorkshopStatus
from tests.conftest import make_workshop


def test_participant_posts_idea_comments_and_votes(person, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    response = ann.post(
        f"/w/{workshop.slug}/ideas",
        {"section_id": sections[0].id, "text": "Ask people what matters to them."},
    )
    assert response.status_code == 200
    assert "Ask people what matters to them." in response.text
    idea_path = str(response.url.path)
    idea_id = int(idea_path.rsplit("/", 1)[1])

    bob = person("bob@example.org")
    bob.post(f"{idea_path}/comments", {"text": "Yes, and write it down once."})
    voted = bob.client.post(
        f"/c/{idea_id}/vote",
        data={"choice": "agree", "csrf_token": bob.csrf()},
        headers={"HX-Request": "true"},
    )
    assert voted.status_code == 200
    assert f'id="votes-{idea_id}"' in voted.text
    assert 'data-count="agree">1<' in voted.text
    changed = bob.client.post(
        f"/c/{idea_id}/vote",
        data={"choice": "disagree", "csrf_token": bob.csrf()},
        headers={"HX-Request": "true"},
    )
    assert 'data-count="agree">0<' in changed.text
    assert 'data-count="disagree">1<' in changed.text
    page = ann.client.get(idea_path).text
    assert "Yes, and write it down once." in page


def test_closed_workshop_is_readable_but_refuses_ideas(person, db):
    workshop, sections = make_workshop(db, status=WorkshopStatus.CLOSED)
    ann = person("ann@example.org")
    assert ann.client.get(f"/w/{workshop.slug}").status_code == 200
    response = ann.post(f"/w/{workshop.slug}/ideas", {"section_id": sections[0].id, "text": "Too late?"})
    assert response.status_code == 400
    assert "This workshop has closed" in response.text
