"""Organisations sign up to a published version and record self-assessments against its outcomes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from crowd.models import (
    Access,
    Assessment,
    AssessmentStatus,
    DeclarationStatus,
    DeclarationVersion,
    Organisation,
    OrganisationKind,
    Participant,
    Signatory,
)
from crowd.models._base import utcnow
from crowd.services import audit
from crowd.services.boroughs import BOROUGHS
from crowd.services.declaration.outcomes import parse_value
from crowd.services.declaration.snapshot import outcomes_by_key
from crowd.services.errors import DomainError, Forbidden, NotFound, ValidationFailed


@dataclass
class SignUpForm:
    organisation_name: str = ""
    kind: str = ""
    borough: str = ""
    signer_name: str = ""
    signer_role: str = ""


def _organisation(
    session: Session, name: str, kind: OrganisationKind, borough: str
) -> tuple[Organisation, bool]:
    """The organisation of that name (any letter case), and whether it existed before this sign-up."""
    found = session.exec(select(Organisation).where(func.lower(Organisation.name) == name.lower())).first()
    if found is not None:
        return found, True
    organisation = Organisation(name=name, kind=kind, borough=borough)
    session.add(organisation)
    session.flush()
    return organisation, False


def _domain_matches(session: Session, participant_id: int | None, organisation: Organisation) -> bool:
    if not participant_id or not organisation.email_domain:
        return False
    person = session.get(Participant, participant_id)
    email = (person.email or "") if person else ""
    return email.lower().endswith("@" + organisation.email_domain.lower().lstrip("@"))


def sign_up(
    session: Session, *, declaration: DeclarationVersion, participant_id: int | None, form: SignUpForm
) -> Signatory:
    """Sign an organisation up to a published version; the same organisation (any letter case) once."""
    if declaration.status != DeclarationStatus.PUBLISHED:
        raise DomainError("Only a published declaration can be signed.")
    errors: dict[str, str] = {}
    name = " ".join(form.organisation_name.split())
    if not name:
        errors["organisation_name"] = "Enter the organisation's name"
    elif len(name) > 200:
        errors["organisation_name"] = "The name must be 200 characters or fewer"
    try:
        kind = OrganisationKind(form.kind)
    except ValueError:
        errors["kind"] = "Choose the type of organisation"
    if form.borough not in BOROUGHS:
        errors["borough"] = "Choose the organisation's borough"
    signer_name, signer_role = form.signer_name.strip(), form.signer_role.strip()
    if not signer_name:
        errors["signer_name"] = "Enter the name of the person signing"
    elif len(signer_name) > 120:
        errors["signer_name"] = "The name must be 120 characters or fewer"
    if not signer_role:
        errors["signer_role"] = "Enter the role of the person signing"
    elif len(signer_role) > 120:
        errors["signer_role"] = "The role must be 120 characters or fewer"
    if errors:
        raise ValidationFailed(errors)
    already = session.exec(
        select(Signatory).where(
            Signatory.declaration_id == declaration.id,
            func.lower(Signatory.organisation_name) == name.lower(),
        )
    ).first()
    if already is not None:
        raise ValidationFailed(
            {
                "organisation_name": f"{already.organisation_name} has already signed up to version "
                f"{declaration.number} of the declaration"
            }
        )
    organisation, existed = _organisation(session, name, kind, form.borough)
    # Signing for an organisation that exists is a claim: a lead approves it, unless the signer's email
    # is at the organisation's domain. A new organisation is the signer's own.
    approved = not existed or _domain_matches(session, participant_id, organisation)
    signatory = Signatory(
        declaration_id=declaration.id,
        organisation_id=organisation.id,
        organisation_name=name,
        kind=kind,
        borough=form.borough,
        signer_name=signer_name,
        signer_role=signer_role,
        participant_id=participant_id,
        approved_at=utcnow() if approved else None,
    )
    session.add(signatory)
    session.flush()
    audit.record(
        session,
        actor_id=participant_id,
        action="sign_declaration",
        target_type="declaration",
        target_id=declaration.id,
        after=signatory.model_dump(mode="json"),
    )
    return signatory


def signatories_of(session: Session, *, declaration_id: int, pending: bool = False) -> list[Signatory]:
    """The approved signatories of a version (the claims waiting for a lead with ``pending=True``)."""
    approved = col(Signatory.approved_at).is_(None) if pending else col(Signatory.approved_at).is_not(None)
    query = (
        select(Signatory)
        .where(Signatory.declaration_id == declaration_id, approved)
        .order_by(func.lower(Signatory.organisation_name))
    )
    return list(session.exec(query))


def decide_claim(session: Session, *, signatory_id: int, actor_id: int, approve: bool) -> Signatory:
    """A lead approves a claim to sign for an existing organisation, or refuses it (the claim goes)."""
    signatory = get_signatory(session, signatory_id)
    if signatory.approved_at is not None:
        raise DomainError(f"{signatory.organisation_name}'s sign-up is approved already.")
    audit.record(
        session,
        actor_id=actor_id,
        action="approve_signatory" if approve else "refuse_signatory",
        target_type="signatory",
        target_id=signatory.id,
        after={"organisation_name": signatory.organisation_name},
    )
    if approve:
        signatory.approved_at, signatory.approved_by = utcnow(), actor_id
        session.add(signatory)
    else:
        session.delete(signatory)
    session.flush()
    return signatory


def signatories_of_participant(session: Session, *, participant_id: int) -> list[Signatory]:
    query = select(Signatory).where(Signatory.participant_id == participant_id).order_by(col(Signatory.id))
    return list(session.exec(query))


def get_signatory(session: Session, signatory_id: int) -> Signatory:
    signatory = session.get(Signatory, signatory_id)
    if signatory is None:
        raise NotFound("There is no such signatory.")
    return signatory


def may_assess(actor: Participant, signatory: Signatory) -> bool:
    own = actor.id == signatory.participant_id and signatory.approved_at is not None
    return own or actor.access.allows(Access.LEAD)


@dataclass
class Entry:
    """One outcome's row of the assessment form (raw strings as typed)."""

    outcome_key: str
    value: str = ""
    status: str = ""
    evidence: str = ""


def _checked_entry(
    unit: str, entry: Entry, errors: dict[str, str]
) -> tuple[float | None, AssessmentStatus | None]:
    prefix = entry.outcome_key
    value = status = None
    if entry.status:
        try:
            status = AssessmentStatus(entry.status)
        except ValueError:
            errors[f"{prefix}-status"] = "Choose met, partly met or not yet"
    if entry.value.strip():
        try:
            value = parse_value(unit, entry.value)
        except DomainError as error:
            errors[f"{prefix}-value"] = error.message
    if status is not None and not entry.evidence.strip():
        errors[f"{prefix}-evidence"] = "Say what the rating is based on"
    if len(entry.evidence) > 2000:
        errors[f"{prefix}-evidence"] = "Keep the evidence to 2,000 characters or fewer"
    return value, status


def record_assessments(
    session: Session,
    *,
    actor: Participant,
    signatory_id: int,
    version_number: int,
    period: str,
    entries: list[Entry],
) -> list[Assessment]:
    """Record a period's values (or met / partly / not yet) for outcomes of the version the organisation
    signed. Every entry is checked first: one bad value stores nothing. Re-recording a period updates it."""
    signatory = get_signatory(session, signatory_id)
    declaration = session.get(DeclarationVersion, signatory.declaration_id)
    assert declaration is not None and declaration.snapshot is not None
    if declaration.number != version_number:
        raise DomainError(
            f"{signatory.organisation_name} has not signed version {version_number} of the declaration "
            f"(it signed version {declaration.number}). Sign up to version {version_number} first."
        )
    if not may_assess(actor, signatory):
        raise Forbidden(
            "Only the person who signed for this organisation, or a lead, can record its assessment."
        )
    period = " ".join(period.split())
    errors: dict[str, str] = {}
    if not period:
        errors["period"] = 'Enter the period, for example "2026 Q4"'
    elif len(period) > 40:
        errors["period"] = "The period must be 40 characters or fewer"
    outcomes = outcomes_by_key(declaration.snapshot)
    checked = []
    for entry in entries:
        if entry.outcome_key not in outcomes:
            errors[f"{entry.outcome_key}-value"] = (
                "That outcome is not part of the version this organisation signed"
            )
            continue
        if not (entry.value.strip() or entry.status):
            continue
        value, status = _checked_entry(outcomes[entry.outcome_key][1]["unit"], entry, errors)
        checked.append((entry, value, status))
    if not errors and not checked:
        errors["period"] = "Record a value or a rating for at least one outcome"
    if errors:
        raise ValidationFailed(errors)
    saved = []
    for entry, value, status in checked:
        row = session.exec(
            select(Assessment).where(
                Assessment.signatory_id == signatory.id,
                Assessment.outcome_key == entry.outcome_key,
                Assessment.period == period,
            )
        ).first() or Assessment(signatory_id=signatory.id, outcome_key=entry.outcome_key, period=period)
        row.value, row.status, row.evidence = value, status, entry.evidence.strip()
        row.recorded_by, row.recorded_at = actor.id, utcnow()
        session.add(row)
        saved.append(row)
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        action="record_assessment",
        target_type="signatory",
        target_id=signatory.id,
        after={"period": period, "outcomes": [r.outcome_key for r in saved]},
    )
    return saved


def assessments_of(session: Session, *, signatory_ids: list[int]) -> list[Assessment]:
    if not signatory_ids:
        return []
    query = (
        select(Assessment)
        .where(col(Assessment.signatory_id).in_(signatory_ids))
        .order_by(Assessment.period, Assessment.id)
    )
    return list(session.exec(query))
