"""You said, we did: each published foundation shows what shaped it; each participant sees what became of
what they said; and they can ask for one email when a new version is out (and stop it by link)."""

from __future__ import annotations

import re

from sqlmodel import select

from crowd.models import AuditEntry, CareRole, OutboxMessage, VersionMail, VersionSubscription
from crowd.services.declaration import provenance
from crowd.services.declaration import versions as declarations
from crowd.services.people import notifications
from crowd.worker import Worker
from tests.conftest import csrf_of, sign_in
from tests.participation.conftest import publish


def test_published_foundation_shows_themes_counts_by_role_and_stream_and_consented_quotes(client, db, world):
    publish(db)
    with db.read() as session:
        (shaped,) = provenance.shaped_by(session, version=declarations.published_version(session, 1))
    assert shaped.themes == [("Being listened to", 3)]  # the hidden idea is not counted
    assert shaped.total == 3
    assert shaped.by_role == {"Carer": 2, "Service user": 1}
    assert shaped.by_stream == {"Online": 2, "Paper or phone": 1}
    assert [q.text for q in shaped.quotes] == ["Ask me what matters to me before you plan my care."]
    page = client.get("/declaration/v/1").text
    assert "You said, we did" in page and "Being listened to: 3" in page
    assert f'href="/w/{world.workshop.slug}/ideas/{world.ann_idea}#c{world.ann_idea}"' in page
    assert "Carers should be told the plan too." not in page.split("You said, we did")[1]


def test_my_activity_says_what_became_of_each_contribution(client, db, world):
    publish(db)
    ann = sign_in(client, db, "ann@example.org", role=CareRole.SERVICE_USER)
    page = client.get("/me").text
    mine = page.split(f'id="fate-{world.ann_idea}"')[1].split("</div>")[0]
    assert "In the theme “Being listened to”" in mine
    assert "Under the foundation “Get Personal”" in mine
    assert "Quoted as evidence for “Get Personal”" in mine
    hidden = page.split(f'id="fate-{world.hidden}"')[1].split("</div>")[0]
    assert "Hidden by a moderator. The reason: Off topic for this workshop" in hidden
    assert "Not in a theme yet" in page.split(f'id="fate-{world.unthemed}"')[1].split("</div>")[0]
    assert ann.id == world.ann


def _opt_in(client, db, email: str):
    who = sign_in(client, db, email)
    response = who.post("/me/version-mail", {"version_mail": "yes"}, follow_redirects=True)
    assert "We will email you once" in response.text
    return who


def test_subscriber_gets_one_mail_per_new_version_sent_by_the_worker_with_a_working_unsubscribe_link(
    client, app, db, world, settings
):
    _opt_in(client, db, "ann@example.org")
    publish(db)
    worker = Worker(db, settings=settings)
    assert worker.run_once() is True  # the worker's mail step sent it
    assert notifications.send_version_mail(db, settings=settings) == 0  # one mail, never twice
    with db.read() as session:
        mails = session.exec(select(OutboxMessage).where(OutboxMessage.to == "ann@example.org")).all()
        queued = session.exec(select(VersionMail)).all()
    version_mails = [m for m in mails if "version 1 is published" in m.subject]
    assert len(version_mails) == 1 and len(queued) == 1 and queued[0].outbox_id == version_mails[0].id
    body = version_mails[0].body
    assert "/declaration/v/1#you-said" in body
    link = re.search(r"https?://\S+?(/unsubscribe\?token=\S+)", body).group(1)

    from starlette.testclient import TestClient

    with TestClient(app) as stranger:  # not signed in
        form = stranger.get(link)
        assert form.status_code == 200 and "Stop these emails" in form.text
        token = link.split("token=")[1]
        done = stranger.post("/unsubscribe", data={"token": token, "csrf_token": csrf_of(form.text)})
        assert done.status_code == 200 and "You are unsubscribed" in done.text
        again = stranger.get(link)
        assert again.status_code == 400 and "already been used" in again.text
        replay = stranger.post("/unsubscribe", data={"token": token, "csrf_token": csrf_of(form.text)})
        assert replay.status_code == 400 and "already been used" in replay.text
        tampered = stranger.get(link[:-3] + "abc")
        assert tampered.status_code == 400 and "not valid" in tampered.text
    with db.read() as session:
        sub = session.exec(select(VersionSubscription)).one()
        assert sub.active is False
        assert session.exec(select(AuditEntry).where(AuditEntry.action == "unsubscribe_version_mail")).one()
    publish(db, note="Second version")
    assert notifications.send_version_mail(db, settings=settings) == 0  # unsubscribed: nothing more


def test_only_contributors_who_subscribed_before_publication_are_mailed_in_rate_limited_batches(
    db, world, settings
):
    import dataclasses

    with db.write() as session:
        notifications.set_subscription(session, participant_id=world.ann, on=True)
        notifications.set_subscription(session, participant_id=world.bob, on=True)
        from crowd.models import Participant
        from crowd.models._base import utcnow

        outsider = Participant(email="out@example.org", display_name="Out", consent_privacy_at=utcnow())
        session.add(outsider)
        session.flush()
        notifications.set_subscription(session, participant_id=outsider.id, on=True)
    publish(db)
    slow = dataclasses.replace(settings, version_mail_batch=1, version_mail_per_minute=1)
    assert notifications.send_version_mail(db, settings=slow) == 1
    assert notifications.send_version_mail(db, settings=slow) == 0  # the minute's allowance is spent
    with db.read() as session:
        queued = session.exec(select(VersionMail)).all()
    assert sorted(m.participant_id for m in queued) == sorted([world.ann, world.bob])  # not the outsider
    assert notifications.send_version_mail(db, settings=settings) == 1


def test_a_made_up_unsubscribe_token_changes_nothing(client):
    page = client.get("/unsubscribe?token=not-a-real-token")
    assert page.status_code == 400 and "not valid" in page.text
    sent = client.post(
        "/unsubscribe", data={"token": "x", "csrf_token": csrf_of(client.get("/auth/sign-in").text)}
    )
    assert sent.status_code == 400


def test_when_the_mail_server_is_away_nothing_is_marked_sent_and_a_later_step_sends_it(db, world, settings):
    import dataclasses

    from crowd.devserver import free_port

    with db.write() as session:
        notifications.set_subscription(session, participant_id=world.ann, on=True)
    publish(db)
    away = dataclasses.replace(settings, smtp_host="127.0.0.1", smtp_port=free_port())
    assert notifications.send_version_mail(db, settings=away) == 0
    with db.read() as session:
        assert session.exec(select(VersionMail)).one().sent_at is None
    assert notifications.send_version_mail(db, settings=settings) == 1
