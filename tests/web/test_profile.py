"""The participant's profile: role, borough, organisation and consent; bad input stores nothing."""

from sqlmodel import select

from crowd.models import Organisation, Participant
from crowd.services.people.participants import find_or_create_organisation
from tests.conftest import csrf_of


def profile_form(**changes) -> dict:
    form = {
        "display_name": "Ann",
        "role": "carer",
        "profession": "",
        "organisation_id": "",
        "new_organisation": "",
        "borough": "Tower Hamlets",
        "consent_privacy": "yes",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def stored(db, email: str) -> Participant:
    with db.read() as session:
        return session.exec(select(Participant).where(Participant.email == email)).one()


def test_new_participant_cannot_take_part_before_completing_the_profile(person, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org", profile=False)
    response = ann.client.get("/me", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/profile")
    refused = ann.post(f"/w/{workshop.slug}/ideas", {"section_id": sections[0].id, "text": "Hello"})
    assert refused.status_code == 403
    assert "Complete your profile" in refused.text


def test_completing_the_profile_with_a_new_organisation(person, db):
    ann = person("ann@example.org", profile=False)
    page = ann.client.get("/profile").text
    for borough in ("Barking and Dagenham", "City of London", "Outside London"):
        assert borough in page
    response = ann.client.post(
        "/profile",
        data={
            **profile_form(new_organisation="Bromley  Carers  Forum", profession="Nurse"),
            "csrf_token": csrf_of(page),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    saved = stored(db, "ann@example.org")
    assert saved.has_profile and saved.role.value == "carer" and saved.profession == "Nurse"
    with db.read() as session:
        organisation = session.get(Organisation, saved.organisation_id)
    assert organisation.name == "Bromley Carers Forum"


def test_picking_an_organisation_from_the_list(person, db):
    with db.write() as session:
        org_id = find_or_create_organisation(session, name="Barts Health NHS Trust").id
    ann = person("ann@example.org", profile=False)
    page = ann.client.get("/profile").text
    assert "Barts Health NHS Trust" in page
    ann.client.post(
        "/profile", data={**profile_form(organisation_id=str(org_id)), "csrf_token": csrf_of(page)}
    )
    assert stored(db, "ann@example.org").organisation_id == org_id


def test_bad_profiles_re_render_with_each_message_and_store_nothing(person, db):
    ann = person("ann@example.org", profile=False)
    cases = {
        "You must agree to the privacy notice": profile_form(consent_privacy=None),
        "Select how you take part in care": profile_form(role="doctor-ish"),
        "Select a borough": profile_form(borough="Narnia"),
        "Enter a display name": profile_form(display_name="  "),
        "Select an organisation from the list": profile_form(organisation_id="99999"),
        "Display name must be 80 characters or fewer": profile_form(display_name="A" * 81),
    }
    for message, form in cases.items():
        response = ann.client.post("/profile", data={**form, "csrf_token": ann.csrf("/profile")})
        assert response.status_code == 400, message
        assert message in response.text
        assert "There is a problem" in response.text
    saved = stored(db, "ann@example.org")
    assert not saved.has_profile and saved.display_name == "" and saved.consent_privacy_at is None
    with db.read() as session:
        assert session.exec(select(Organisation)).all() == []


def test_consent_to_be_quoted_is_optional_and_remembered(person, db):
    ann = person("ann@example.org", profile=False)
    ann.client.post(
        "/profile", data={**profile_form(consent_quote="yes"), "csrf_token": ann.csrf("/profile")}
    )
    assert stored(db, "ann@example.org").consent_quote is True
    ann.client.post("/profile", data={**profile_form(), "csrf_token": ann.csrf("/profile")})
    assert stored(db, "ann@example.org").consent_quote is False
