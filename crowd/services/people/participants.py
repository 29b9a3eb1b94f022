"""Participant profiles, organisations and access levels."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from crowd.models import Access, CareRole, Organisation, OrganisationKind, Participant
from crowd.models._base import utcnow
from crowd.services import audit
from crowd.services.boroughs import BOROUGHS
from crowd.services.errors import DomainError, NotFound, ValidationFailed


@dataclass
class ProfileForm:
    display_name: str = ""
    role: str = ""
    profession: str = ""
    organisation_id: str = ""
    new_organisation: str = ""
    borough: str = ""
    consent_privacy: bool = False
    consent_quote: bool = False


def find_by_email(session: Session, email: str) -> Participant | None:
    """The person who signed in with this address (any case), if anyone has."""
    return session.exec(select(Participant).where(Participant.email == email.strip().lower())).first()


def names_of(session: Session, participant_ids: set[int]) -> dict[int, str]:
    """Each person's display name (or email when they have none), by number."""
    if not participant_ids:
        return {}
    rows = session.exec(select(Participant).where(col(Participant.id).in_(participant_ids)))
    return {p.id: p.display_name or p.email for p in rows}


def organisations(session: Session) -> list[Organisation]:
    return list(session.exec(select(Organisation).order_by(Organisation.name)))


def find_or_create_organisation(
    session: Session,
    *,
    name: str,
    kind: OrganisationKind = OrganisationKind.OTHER,
    borough: str | None = None,
) -> Organisation:
    clean = " ".join(name.split())[:200]
    if not clean:
        raise DomainError("Enter the organisation's name", field="new_organisation")
    found = session.exec(select(Organisation).where(func.lower(Organisation.name) == clean.lower())).first()
    if found:
        return found
    organisation = Organisation(name=clean, kind=kind, borough=borough)
    session.add(organisation)
    session.flush()
    return organisation


def validate_profile(session: Session, form: ProfileForm) -> dict[str, str]:
    errors: dict[str, str] = {}
    name = form.display_name.strip()
    if not name:
        errors["display_name"] = "Enter a display name"
    elif len(name) > 80:
        errors["display_name"] = "Display name must be 80 characters or fewer"
    if form.role not in {r.value for r in CareRole}:
        errors["role"] = "Select how you take part in care"
    if form.borough not in BOROUGHS:
        errors["borough"] = "Select a borough, or 'Outside London'"
    if len(form.profession.strip()) > 120:
        errors["profession"] = "Profession must be 120 characters or fewer"
    if form.organisation_id:
        if not form.organisation_id.isdigit() or session.get(Organisation, int(form.organisation_id)) is None:
            errors["organisation_id"] = "Select an organisation from the list"
    elif len(form.new_organisation.strip()) > 200:
        errors["new_organisation"] = "Organisation name must be 200 characters or fewer"
    if not form.consent_privacy:
        errors["consent_privacy"] = "You must agree to the privacy notice to take part"
    return errors


def save_profile(session: Session, *, participant_id: int, form: ProfileForm) -> Participant:
    errors = validate_profile(session, form)
    if errors:
        raise ValidationFailed(errors)
    participant = session.get(Participant, participant_id)
    if participant is None:
        raise NotFound("No such participant")
    organisation_id: int | None = int(form.organisation_id) if form.organisation_id else None
    if organisation_id is None and form.new_organisation.strip():
        borough = form.borough if form.borough in BOROUGHS else None
        organisation_id = find_or_create_organisation(session, name=form.new_organisation, borough=borough).id
    participant.display_name = form.display_name.strip()
    participant.role = CareRole(form.role)
    participant.profession = form.profession.strip() or None
    participant.organisation_id = organisation_id
    participant.borough = form.borough
    participant.consent_privacy_at = participant.consent_privacy_at or utcnow()
    participant.consent_quote = form.consent_quote
    session.add(participant)
    return participant


def set_access(session: Session, *, actor_id: int | None, email: str, access: Access) -> Participant:
    participant = session.exec(select(Participant).where(Participant.email == email.strip().lower())).first()
    if participant is None:
        participant = Participant(email=email.strip().lower(), access=access)
        session.add(participant)
        session.flush()
        before = None
    else:
        before = {"access": participant.access.value}
        participant.access = access
        session.add(participant)
    audit.record(
        session,
        actor_id=actor_id,
        action="set_access",
        target_type="participant",
        target_id=participant.id,
        before=before,
        after={"access": access.value},
    )
    return participant


def staff_accounts(session: Session) -> list[Participant]:
    query = (
        select(Participant).where(col(Participant.access) != Access.PARTICIPANT).order_by(Participant.email)
    )
    return list(session.exec(query))
