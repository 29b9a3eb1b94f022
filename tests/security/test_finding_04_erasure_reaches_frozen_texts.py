"""Finding 4: after erasure a published declaration still quoted the person with "name, role, borough",
and audit entries still showed an erased signer's name. Erasure must reach every table and every
frozen document."""

from __future__ import annotations

import json

import pytest
from sqlmodel import SQLModel, select

from crowd.models import AuditEntry, DeclarationVersion, Participant
from crowd.services import audit
from crowd.services.declaration import foundations, signatories
from crowd.services.declaration import versions as declarations
from crowd.services.declaration.snapshot import chosen_foundations
from crowd.services.people import privacy
from tests.declaration.conftest import BASE_URL, make_draft, post_ideas

NAME = "Zebedee Quartermaine"
EMAIL = "zebedee.q@example.org"
SIGNER = "Dr Zebedee Quartermaine"
FOUNDATION_PAGE = "/declaration/foundations/get-personal"
QUOTE = "The purple waiting room at the Homerton needs chairs that do not hurt."


def _published_with_their_quote(db) -> int:
    """A published version quoting the person by name (they consented), and their signature on it."""
    _, (idea_id,) = post_ideas(db, [QUOTE], author_email=EMAIL, consent_quote=True)
    with db.write() as session:
        participant = session.exec(select(Participant).where(Participant.email == EMAIL)).one()
        participant.display_name = NAME
        session.add(participant)
        participant_id = participant.id
    with db.write() as session:
        draft = make_draft(session)
        foundation_id = chosen_foundations(session, draft.id)[0].id
        foundations.add_evidence(
            session, actor_id=None, foundation_id=foundation_id, kind="quote", contribution_id=idea_id
        )
        version = declarations.publish(
            session, actor_id=None, declaration_id=draft.id, change_note="v1", base_url=BASE_URL
        )
        form = signatories.SignUpForm(
            organisation_name="Homerton Friends Group",
            kind="voluntary",
            borough="Hackney",
            signer_name=SIGNER,
            signer_role="Chair",
        )
        signatories.sign_up(session, declaration=version, participant_id=participant_id, form=form)
    return participant_id


def _every_stored_text(db) -> str:
    """Every row of every table, as text (JSON unescaped), to search for the person."""
    chunks = []
    with db.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            for row in connection.execute(table.select()):
                for value in row:
                    if isinstance(value, dict | list):
                        chunks.append(json.dumps(value, ensure_ascii=False))
                    elif isinstance(value, str):
                        chunks.append(value)
    return "\n".join(chunks)


@pytest.mark.parametrize("keep", [False, True])
def test_finding_04_erasure_reaches_every_table_and_every_published_version(db, client, keep):
    participant_id = _published_with_their_quote(db)
    page = client.get(FOUNDATION_PAGE).text
    assert QUOTE in page and NAME in page  # quoted with consent, by name
    with db.write() as session:
        audit.record(session, actor_id=participant_id, action="note", target_type="participant",
                     target_id=participant_id, note=f"asked for a link at {EMAIL}")  # fmt: skip
    assert NAME in _every_stored_text(db)

    with db.write() as session:
        privacy.erase_account(session, participant_id=participant_id, keep_contributions=keep)

    stored = _every_stored_text(db)
    for trace in (NAME, EMAIL, SIGNER):
        assert trace not in stored, trace
    assert (QUOTE in stored) is keep  # the words stay only when the person chose to keep them
    page = client.get(FOUNDATION_PAGE).text
    assert NAME not in page
    assert (QUOTE in page) is keep
    with db.read() as session:
        version = session.exec(select(DeclarationVersion)).one()
        quotes = [e for f in version.snapshot["foundations"] for e in f["evidence"] if e["kind"] == "quote"]
        if keep:  # the words stay, attributed as a live page would now: no name, no borough
            assert quotes and all(
                NAME not in q["attribution"] and "Hackney" not in q["attribution"] for q in quotes
            )
        else:
            assert quotes == []
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "sign_declaration")).one()
        assert entry.actor_id == participant_id and entry.target_id == version.id  # the action stays
        assert entry.after["organisation_name"] == "Homerton Friends Group"
        assert entry.after["signer_name"] != SIGNER
