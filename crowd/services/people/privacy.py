"""A participant's own data: download everything stored about them, or erase their account."""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from crowd.models import (
    Contribution,
    ContributionStatus,
    DeclarationSupport,
    Flag,
    LoginToken,
    Organisation,
    OutboxMessage,
    Participant,
    PollAnswer,
    Signatory,
    Vote,
)
from crowd.models._base import utcnow
from crowd.services import audit
from crowd.services.errors import NotFound
from crowd.services.people import erasure, monitoring, notifications
from crowd.services.workshop.contributions import wilson_lower_bound
from crowd.services.workshop.votes import COUNT_COLUMN

REMOVED = "[removed at the author's request]"
SIGNER_REMOVED = "[name removed at the signer's request]"


def my_data(session: Session, *, participant_id: int) -> dict:
    """Everything stored about one participant, as JSON-able data."""
    person = session.get(Participant, participant_id)
    if person is None:
        raise NotFound("No such participant")
    organisation = session.get(Organisation, person.organisation_id) if person.organisation_id else None
    contributions = session.exec(select(Contribution).where(Contribution.author_id == participant_id))
    votes = session.exec(select(Vote).where(Vote.participant_id == participant_id))
    polls = session.exec(select(PollAnswer).where(PollAnswer.participant_id == participant_id))
    flags = session.exec(select(Flag).where(Flag.participant_id == participant_id))
    support = session.exec(
        select(DeclarationSupport).where(DeclarationSupport.participant_id == participant_id)
    )
    signed = session.exec(select(Signatory).where(Signatory.participant_id == participant_id))
    return {
        "profile": person.model_dump(mode="json", exclude={"session_epoch", "signed_out_sessions"}),
        "organisation": organisation.model_dump(mode="json") if organisation else None,
        "contributions": [c.model_dump(mode="json") for c in contributions],
        "votes": [v.model_dump(mode="json") for v in votes],
        "poll_answers": [p.model_dump(mode="json") for p in polls],
        "flags": [f.model_dump(mode="json") for f in flags],
        "declaration_support": [a.model_dump(mode="json") for a in support],
        "organisations_signed_up": [s.model_dump(mode="json") for s in signed],
        # kept apart from the profile; only the person ever sees these per person
        "equality_monitoring": monitoring.download(session, participant_id=participant_id),
        "version_mail": notifications.download(session, participant_id=participant_id),
    }


def erase_account(session: Session, *, participant_id: int, keep_contributions: bool) -> None:
    """Remove a participant's personal data. Their ideas stay only as anonymous text, if they allow it."""
    person = session.get(Participant, participant_id)
    if person is None or person.erased_at is not None:
        raise NotFound("No such participant")
    email = person.email
    names, emails = erasure.person_needles(session, person)
    mine = list(
        session.exec(
            select(Contribution.id, Contribution.text).where(Contribution.author_id == participant_id)
        )
    )
    _withdraw_votes(session, participant_id)
    monitoring.erase(session, participant_id=participant_id)
    notifications.erase(session, participant_id=participant_id)
    session.exec(delete(PollAnswer).where(col(PollAnswer.participant_id) == participant_id))
    session.exec(delete(Flag).where(col(Flag.participant_id) == participant_id))
    session.exec(delete(DeclarationSupport).where(col(DeclarationSupport.participant_id) == participant_id))
    # An organisation's signature stands; the name and role of the person who signed for it go.
    session.exec(
        update(Signatory)
        .where(col(Signatory.participant_id) == participant_id)
        .values(participant_id=None, signer_name=SIGNER_REMOVED, signer_role="")
    )
    if email:
        session.exec(delete(LoginToken).where(col(LoginToken.email) == email))
        session.exec(delete(OutboxMessage).where(col(OutboxMessage.to) == email))
    anonymous = {"author_id": None, "source_borough": None}
    if not keep_contributions:
        anonymous |= {"text": REMOVED, "status": ContributionStatus.HIDDEN, "withdrawn_at": utcnow()}
    session.exec(
        update(Contribution).where(col(Contribution.author_id) == participant_id).values(**anonymous)
    )
    person.email = None
    person.display_name = ""
    person.profession = None
    person.organisation_id = None
    person.borough = None
    person.role = None
    person.consent_quote = False
    person.erased_at = utcnow()
    person.session_epoch += 1
    session.add(person)
    session.flush()
    # frozen declaration versions, audit entries and other logs: re-rendered or scrubbed of the person
    erasure.scrub_everywhere(
        session,
        names=names,
        emails=emails,
        contribution_ids=[cid for cid, _ in mine],
        texts=[] if keep_contributions else [text for _, text in mine],
        keep_contributions=keep_contributions,
    )
    audit.record(
        session,
        actor_id=None,
        action="erase_account",
        target_type="participant",
        target_id=participant_id,
        after={"kept_contributions": keep_contributions},
    )


def _withdraw_votes(session: Session, participant_id: int) -> None:
    """Delete the person's votes and take them off the counts (one statement per choice), then recompute
    the support score of every item they had voted on (it derives from the counts)."""
    mine = select(Vote.contribution_id).where(col(Vote.participant_id) == participant_id)
    for choice, column in COUNT_COLUMN.items():
        session.exec(
            update(Contribution)
            .where(col(Contribution.id).in_(mine.where(col(Vote.choice) == choice)))
            .values({column: getattr(Contribution, column) - 1})
            .execution_options(synchronize_session=False)
        )
    voted_on = list(session.exec(mine))
    session.exec(delete(Vote).where(col(Vote.participant_id) == participant_id))
    lowered = select(Contribution).where(col(Contribution.id).in_(voted_on))
    for contribution in session.exec(lowered.execution_options(populate_existing=True)):
        contribution.support = wilson_lower_bound(contribution.agree_count, contribution.disagree_count)
        session.add(contribution)
