"""A participant downloads their data and erases their account."""

import json

from sqlmodel import select

from crowd.models import Contribution, Participant, Vote
from crowd.services.people.privacy import REMOVED


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


def test_download_and_erasure_cover_the_declaration_too(person, client, open_workshop, db):
    """Support for the declaration and an organisation signed up: in the download, and gone (the answer)
    or anonymised (the signer of a signature that stands) after erasure; counts of several votes drop."""
    from crowd.models import DeclarationSupport, Signatory
    from crowd.services.people.privacy import SIGNER_REMOVED
    from tests.declaration.conftest import publish_declaration

    publish_declaration(db)
    workshop, sections = open_workshop
    bob = person("bob@example.org")
    first = _post_idea(bob, workshop, sections[0], "Share records between GP and hospital.")
    second = _post_idea(bob, workshop, sections[1], "One named contact for every family.")
    priya = person("priya@example.org", name="Priya")
    for idea, choice in ((first, "agree"), (second, "disagree")):
        assert priya.post(f"/c/{idea}/vote", {"choice": choice}).status_code == 200
    assert bob.post(f"/c/{first}/vote", {"choice": "agree"}).status_code == 200
    assert priya.post("/declaration/v/1/support", {"choice": "mostly"}).status_code == 200
    signed = priya.post(
        "/declaration/v/1/sign",
        {
            "organisation_name": "Hackney Central PCN",
            "kind": "gp_pcn",
            "borough": "Hackney",
            "signer_name": "Dr Priya Shah",
            "signer_role": "Clinical Director",
        },
    )
    assert signed.status_code == 200

    data = json.loads(priya.client.get("/me/data").text)
    assert [a["choice"] for a in data["declaration_support"]] == ["mostly"]
    assert [s["signer_name"] for s in data["organisations_signed_up"]] == ["Dr Priya Shah"]

    assert priya.post("/me/erase", {"keep": "yes", "confirm": "yes"}).status_code == 200
    with db.read() as session:
        assert session.exec(select(DeclarationSupport)).all() == []
        signatory = session.exec(select(Signatory)).one()
        assert signatory.organisation_name == "Hackney Central PCN"
        assert (signatory.signer_name, signatory.signer_role, signatory.participant_id) == (
            SIGNER_REMOVED,
            "",
            None,
        )
        one, two = session.get(Contribution, first), session.get(Contribution, second)
        assert (one.agree_count, one.disagree_count) == (1, 0)
        assert (two.agree_count, two.disagree_count) == (0, 0)
    public = client.get("/declaration/signatories").text
    assert "Hackney Central PCN" in public and "Priya Shah" not in public
