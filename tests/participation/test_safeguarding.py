"""Safeguarding: 'someone may be at risk' sends an item to a queue only the safeguarding role sees, with a
checklist and a record; the author is told where to get help now; it is not hidden, the normal queue
shows it was escalated, and only the safeguarding role may hide it; exports leave it out."""

from __future__ import annotations

import pytest
from sqlmodel import select

from crowd.models import (
    Access,
    AuditEntry,
    Contribution,
    ContributionStatus,
    OutboxMessage,
    SafeguardingCase,
    SafeguardingNote,
)
from crowd.services.exports import data as export_data
from crowd.services.workshop import safeguarding
from tests.web.conftest import idea_id_of, post_idea

WORRYING = "I don't feel safe at home and nobody listens."


def _grant(db, person_id: int) -> None:
    with db.write() as session:
        safeguarding.grant(session, actor_id=None, participant_id=person_id, on=True)


def _flag_at_risk(person, db, open_workshop):
    workshop, sections = open_workshop
    author = person("writer@example.org")
    idea_id = idea_id_of(post_idea(author, workshop, sections[0], WORRYING))
    reporter = person("reporter@example.org")
    sent = reporter.post(
        f"/c/{idea_id}/flag", {"reason": "They sound in danger", "at_risk": "yes"}, follow_redirects=True
    )
    assert "people trained in safeguarding" in sent.text
    return author, idea_id


def test_flag_someone_may_be_at_risk_opens_a_case_tells_the_author_and_hides_nothing(
    person, db, open_workshop
):
    author, idea_id = _flag_at_risk(person, db, open_workshop)
    with db.read() as session:
        case = session.exec(select(SafeguardingCase)).one()
        contribution = session.get(Contribution, idea_id)
        mail = session.exec(select(OutboxMessage).where(OutboxMessage.to == "writer@example.org")).all()
    assert case.contribution_id == idea_id and case.source == "flag" and case.author_notified_at
    assert contribution.status != ContributionStatus.HIDDEN
    notice = [m for m in mail if m.subject == "Where to get help now"]
    assert len(notice) == 1
    assert "999" in notice[0].body and "NHS 111" in notice[0].body and "116 123" in notice[0].body
    mine = author.client.get("/me").text
    assert "Where to get help now" in mine and "116 123" in mine
    workshop, _ = open_workshop
    assert WORRYING.replace("'", "&#39;") in author.client.get(f"/w/{workshop.slug}/ideas/{idea_id}").text


ROLES = {
    "participant": dict(access=Access.PARTICIPANT),
    "moderator": dict(access=Access.MODERATOR),
    "lead": dict(access=Access.LEAD),
    "admin": dict(access=Access.ADMIN),
    "safeguarding": dict(access=Access.PARTICIPANT, safeguarding=True),
    "safeguarding moderator": dict(access=Access.MODERATOR, safeguarding=True),
}


@pytest.mark.parametrize("role", list(ROLES))
def test_safeguarding_role_matrix(role, person, db, open_workshop):
    _author, idea_id = _flag_at_risk(person, db, open_workshop)
    options = dict(ROLES[role])
    has_role = options.pop("safeguarding", False)
    who = person(f"{role.replace(' ', '-')}@example.org", **options)
    if has_role:
        _grant(db, who.id)
    with db.read() as session:
        case_id = session.exec(select(SafeguardingCase.id)).one()
    expected = 200 if has_role else 403
    assert who.client.get("/safeguarding").status_code == expected
    page = who.client.get(f"/safeguarding/{case_id}")
    assert page.status_code == expected
    if has_role:
        assert WORRYING.replace("'", "&#39;") in page.text and "Who looked and what was done" in page.text
    else:
        assert "WORRYING" not in page.text and "feel safe" not in page.text
    exported = who.client.get(f"/safeguarding/{case_id}/record.txt")
    assert exported.status_code == expected
    if has_role:
        assert "feel safe" in exported.text and "Checklist:" in exported.text
    record = who.post(f"/safeguarding/{case_id}", {"action": "Called the author", "checked": "read"})
    assert record.status_code == (200 if has_role else 403)
    # hiding from the ordinary moderation queue needs the safeguarding role too
    hide = who.post(f"/moderation/{idea_id}", {"action": "hide", "reason": "hide it"})
    may_moderate = options["access"] != Access.PARTICIPANT
    assert hide.status_code == (200 if (has_role and may_moderate) else 403)
    with db.read() as session:
        hidden = session.get(Contribution, idea_id).status == ContributionStatus.HIDDEN
    assert hidden == (has_role and may_moderate)
    assert who.client.get("/admin/safeguarding").status_code == (200 if role == "admin" else 403)


def test_case_checklist_record_and_closing(person, db, open_workshop):
    _author, _idea_id = _flag_at_risk(person, db, open_workshop)
    lead = person("sg@example.org")
    _grant(db, lead.id)
    with db.read() as session:
        case_id = session.exec(select(SafeguardingCase.id)).one()
    assert lead.client.get(f"/safeguarding/{case_id}").status_code == 200
    empty = lead.post(f"/safeguarding/{case_id}", {"action": "", "checked": "read"})
    assert empty.status_code == 400 and "Say what you did" in empty.text
    bogus = lead.post(f"/safeguarding/{case_id}", {"action": "x", "checked": "made-up"})
    assert bogus.status_code == 400 and "Tick only the items" in bogus.text
    early = lead.post(f"/safeguarding/{case_id}", {"action": "Done", "checked": "read", "close": "yes"})
    assert early.status_code == 400 and "Every item of the checklist" in early.text
    keys = [key for key, _ in safeguarding.CHECKLIST]
    done = lead.client.post(
        f"/safeguarding/{case_id}",
        data={
            "csrf_token": lead.csrf(),
            "action": "Referred to the local authority",
            "checked": keys,
            "close": "yes",
        },
    )
    assert done.status_code == 200 and "No open cases" in done.text
    with db.read() as session:
        case = session.get(SafeguardingCase, case_id)
        notes = session.exec(select(SafeguardingNote).where(SafeguardingNote.case_id == case_id)).all()
        closed = session.exec(select(AuditEntry).where(AuditEntry.action == "close_safeguarding")).one()
    assert case.status.value == "closed" and case.closed_by == lead.id and set(case.checklist) == set(keys)
    actions = [n.action for n in notes]
    assert "Looked at the case" in actions and "Referred to the local authority" in actions
    assert closed.actor_id == lead.id


def test_moderator_escalates_from_the_queue_which_then_shows_it_was_escalated(person, db, open_workshop):
    workshop, sections = open_workshop
    author = person("writer@example.org")
    idea_id = idea_id_of(post_idea(author, workshop, sections[0], WORRYING))
    person("flagger@example.org").post(f"/c/{idea_id}/flag", {"reason": "worrying"})
    moderator = person("mod@example.org", access=Access.MODERATOR)
    no_reason = moderator.post(f"/moderation/{idea_id}", {"action": "escalate", "reason": ""})
    assert no_reason.status_code == 400
    sent = moderator.post(f"/moderation/{idea_id}", {"action": "escalate", "reason": "Mentions self-harm"})
    assert sent.status_code == 200 and "Sent to the safeguarding queue" in sent.text
    queue = moderator.client.get("/moderation").text
    assert "Escalated to safeguarding" in queue
    with db.read() as session:
        case = session.exec(select(SafeguardingCase)).one()
    assert case.source == "moderator" and "Mentions self-harm" in case.reason


def test_exports_leave_out_an_item_with_an_open_case(person, db, open_workshop):
    _author, idea_id = _flag_at_risk(person, db, open_workshop)
    with db.read() as session:
        exported = [row[0] for row in export_data.contribution_rows(session)]
    assert idea_id not in exported
