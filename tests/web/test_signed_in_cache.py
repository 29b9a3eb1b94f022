"""The signed-in person is kept a few seconds between requests (crowd/user_cache.py), never past a change.

Changes made in this process reach the next request at once; changes no event can see (another
process writing the database) reach it within the cache's time to live.
"""

import time

from sqlalchemy import text
from sqlmodel import select

from crowd.models import Access, Participant


def _set_access(db, email: str, access: Access) -> None:
    with db.write() as session:
        participant = session.exec(select(Participant).where(Participant.email == email)).one()
        participant.access = access
        session.add(participant)


def test_taking_a_role_away_refuses_the_very_next_request(person, db):
    lead = person("lead@example.org", access=Access.LEAD)
    assert lead.client.get("/manage/workshops").status_code == 200
    _set_access(db, lead.email, Access.PARTICIPANT)
    assert lead.client.get("/manage/workshops").status_code == 403
    _set_access(db, lead.email, Access.LEAD)
    assert lead.client.get("/manage/workshops").status_code == 200


def test_a_profile_change_shows_on_the_next_page(person):
    ann = person("ann@example.org", name="Ann")
    assert "Ann" in ann.client.get("/me").text
    form = {
        "display_name": "Annie Jones",
        "role": "carer",
        "borough": "Camden",
        "consent_privacy": "yes",
    }
    assert ann.post("/profile", form, follow_redirects=False).status_code == 303
    assert "Annie Jones" in ann.client.get("/me").text


def test_a_change_made_by_another_process_shows_within_the_time_to_live(person, app, db):
    lead = person("lead@example.org", access=Access.LEAD)
    app.state.users.ttl = 0.3
    app.state.users.forget({lead.id})
    assert lead.client.get("/manage/workshops").status_code == 200
    with db.write() as session:  # plain SQL: what another process's write looks like to this one
        session.exec(
            text("UPDATE participant SET access = 'PARTICIPANT' WHERE id = :id").bindparams(id=lead.id)
        )
    time.sleep(0.35)
    assert lead.client.get("/manage/workshops").status_code == 403


def test_signing_out_everywhere_ends_a_cached_session_at_once(person, db):
    ann = person("ann@example.org")
    assert ann.client.get("/me").status_code == 200
    with db.write() as session:
        participant = session.get(Participant, ann.id)
        participant.session_epoch += 1
        session.add(participant)
    response = ann.client.get("/me", follow_redirects=False)
    assert response.status_code == 303 and "/auth/sign-in" in response.headers["location"]
