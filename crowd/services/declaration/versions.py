"""Declaration versions: one draft at a time, edited by moderators; published (frozen) by a lead.

A new draft starts from the last published version: its title, preamble and ordered foundations.
Foundations are the workspace's working copies; one that was deleted since is rebuilt from the frozen
snapshot (with its evidence and outcomes) so the draft really starts where the public version stands.
"""

from __future__ import annotations

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from crowd.models import (
    DeclarationItem,
    DeclarationStatus,
    DeclarationVersion,
    Evidence,
    EvidenceKind,
    Foundation,
    Outcome,
    WorkshopStatus,
)
from crowd.models._base import utcnow
from crowd.services import audit
from crowd.services.declaration.foundations import create_foundation, require_statement
from crowd.services.declaration.outcomes import outcomes_missing_targets
from crowd.services.declaration.snapshot import build_snapshot, chosen_foundations
from crowd.services.errors import DomainError, NotFound, ValidationFailed
from crowd.services.workshop import workshops

PREAMBLE_LIMIT = 20000


def current_draft(session: Session) -> DeclarationVersion | None:
    return session.exec(
        select(DeclarationVersion)
        .where(DeclarationVersion.status == DeclarationStatus.DRAFT)
        .order_by(col(DeclarationVersion.id).desc())
    ).first()


def get_draft(session: Session, declaration_id: int, *, lock: bool = False) -> DeclarationVersion:
    """The draft; `lock` holds its row to the end of the transaction (PostgreSQL's FOR UPDATE), so two
    leads saving or publishing at the same instant go one after the other and the second sees the first."""
    draft = session.get(DeclarationVersion, declaration_id, with_for_update=lock or None)
    if draft is None or draft.status != DeclarationStatus.DRAFT:
        raise NotFound("There is no such draft: it may have been published already.")
    return draft


def version_by_id(session: Session, declaration_id: int) -> DeclarationVersion:
    version = session.get(DeclarationVersion, declaration_id)
    if version is None:
        raise NotFound("That version of the declaration does not exist.")
    return version


def published_versions(session: Session) -> list[DeclarationVersion]:
    query = (
        select(DeclarationVersion)
        .where(DeclarationVersion.status == DeclarationStatus.PUBLISHED)
        .order_by(col(DeclarationVersion.number).desc())
    )
    return list(session.exec(query))


def latest_published(session: Session) -> DeclarationVersion | None:
    versions = published_versions(session)
    return versions[0] if versions else None


def published_version(session: Session, number: int | None = None) -> DeclarationVersion:
    """Version `number`, or the latest when None; NotFound when there is none."""
    if number is None:
        version = latest_published(session)
    else:
        version = session.exec(
            select(DeclarationVersion).where(
                DeclarationVersion.number == number, DeclarationVersion.status == DeclarationStatus.PUBLISHED
            )
        ).first()
    if version is None:
        raise NotFound("No declaration has been published at this address yet.")
    return version


def _restore_from_snapshot(session: Session, frozen: dict, actor_id: int | None) -> Foundation:
    foundation = create_foundation(
        session,
        actor_id=actor_id,
        title=frozen["title"],
        statement=frozen["statement"],
        looks_like=frozen["looks_like"],
        how_to_achieve=frozen["how_to_achieve"],
        slug=frozen["slug"],
    )
    for i, item in enumerate(frozen["evidence"]):
        reference = item.get("reference") or ""
        evidence = Evidence(foundation_id=foundation.id, kind=EvidenceKind(item["kind"]), position=i)
        if evidence.kind == EvidenceKind.QUOTE and reference.startswith("contribution:"):
            evidence.contribution_id = int(reference.split(":", 1)[1])
        elif evidence.kind == EvidenceKind.CASE_STUDY:
            evidence.title, evidence.text, evidence.url = item["attribution"], item["text"], reference
        else:
            evidence.citation, evidence.text, evidence.url = item["attribution"], item["text"], reference
        session.add(evidence)
    for i, item in enumerate(frozen["outcomes"]):
        session.add(Outcome(foundation_id=foundation.id, position=i, **item))
    session.flush()
    return foundation


def start_draft(session: Session, *, actor_id: int | None) -> DeclarationVersion:
    """The current draft, or a new one starting from the last published version."""
    existing = current_draft(session)
    if existing is not None:
        return existing
    last = latest_published(session)
    draft = DeclarationVersion(created_by=actor_id, based_on=last.id if last else None)
    if last is not None:
        draft.title, draft.preamble = last.title, last.preamble
    session.add(draft)
    session.flush()
    if last is not None and last.snapshot:
        for position, frozen in enumerate(last.snapshot["foundations"]):
            foundation = session.exec(select(Foundation).where(Foundation.slug == frozen["slug"])).first()
            if foundation is None:
                foundation = _restore_from_snapshot(session, frozen, actor_id)
            session.add(
                DeclarationItem(declaration_id=draft.id, foundation_id=foundation.id, position=position)
            )
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="start_declaration_draft",
        target_type="declaration",
        target_id=draft.id,
        note=f"based on version {last.number}" if last else "first draft",
    )
    return draft


def save_draft(
    session: Session,
    *,
    actor_id: int | None,
    declaration_id: int,
    title: str,
    preamble: str,
    foundation_ids: list[int],
) -> DeclarationVersion:
    """Save the draft's title, preamble and the ordered choice of foundations."""
    draft = get_draft(session, declaration_id, lock=True)
    errors: dict[str, str] = {}
    title, preamble = title.strip(), preamble.replace("\r\n", "\n").strip()
    if not title:
        errors["title"] = "Enter a title"
    elif len(title) > 200:
        errors["title"] = "The title must be 200 characters or fewer"
    if len(preamble) > PREAMBLE_LIMIT:
        errors["preamble"] = f"The preamble must be {PREAMBLE_LIMIT:,} characters or fewer"
    ordered = list(dict.fromkeys(foundation_ids))
    known = (
        set(session.exec(select(Foundation.id).where(col(Foundation.id).in_(ordered)))) if ordered else set()
    )
    if set(ordered) - known:
        errors["foundations"] = "One of the chosen foundations no longer exists: reload the page"
    if errors:
        raise ValidationFailed(errors)
    before = {"title": draft.title, "preamble": draft.preamble, "foundations": _item_ids(session, draft.id)}
    draft.title, draft.preamble, draft.updated_at = title, preamble, utcnow()
    session.exec(delete(DeclarationItem).where(col(DeclarationItem.declaration_id) == draft.id))
    for position, foundation_id in enumerate(ordered):
        session.add(DeclarationItem(declaration_id=draft.id, foundation_id=foundation_id, position=position))
    session.add(draft)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="edit_declaration_draft",
        target_type="declaration",
        target_id=draft.id,
        before=before,
        after={"title": title, "preamble": preamble, "foundations": ordered},
    )
    return draft


def _item_ids(session: Session, declaration_id: int) -> list[int]:
    return [f.id for f in chosen_foundations(session, declaration_id)]


def check_publishable(session: Session, draft: DeclarationVersion) -> list[Foundation]:
    """Refuse an empty declaration, a foundation without a statement, or an outcome without a target."""
    foundations = chosen_foundations(session, draft.id)
    if not foundations:
        raise DomainError("The declaration is empty: choose at least one foundation before publishing.")
    for foundation in foundations:
        require_statement(foundation)
        missing = outcomes_missing_targets(session, foundation_id=foundation.id)
        if missing:
            raise DomainError(
                f'The outcome "{missing[0].name}" of "{foundation.title}" has no target: add one before publishing.'
            )
    return foundations


def next_number(session: Session) -> int:
    return (session.exec(select(func.max(DeclarationVersion.number))).one() or 0) + 1


def publish(
    session: Session, *, actor_id: int | None, declaration_id: int, change_note: str, base_url: str
) -> DeclarationVersion:
    """Freeze the draft as the next numbered version and open a feedback workshop for it."""
    draft = get_draft(session, declaration_id, lock=True)
    change_note = change_note.strip()
    if not change_note:
        raise DomainError("Write a change note: say what is new in this version.", field="change_note")
    if len(change_note) > 2000:
        raise DomainError("Keep the change note to 2,000 characters or fewer.", field="change_note")
    foundations = check_publishable(session, draft)
    number = next_number(session)
    draft.number, draft.status, draft.change_note = number, DeclarationStatus.PUBLISHED, change_note
    draft.published_at, draft.published_by = utcnow(), actor_id
    draft.snapshot = build_snapshot(
        session, declaration=draft, base_url=base_url, status="published", number=number
    )
    draft.feedback_workshop_id = _open_feedback_workshop(
        session, actor_id=actor_id, number=number, draft=draft, foundations=foundations
    )
    session.add(draft)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="publish_declaration",
        target_type="declaration",
        target_id=draft.id,
        after={"number": number, "change_note": change_note},
    )
    return draft


def _open_feedback_workshop(
    session: Session,
    *,
    actor_id: int | None,
    number: int,
    draft: DeclarationVersion,
    foundations: list[Foundation],
) -> int:
    form = workshops.WorkshopForm(
        title=f"Feedback on {draft.title}, version {number}",
        slug=f"feedback-v{number}",
        intro=f"Comments and ideas left on the published declaration, version {number}.",
        status=WorkshopStatus.OPEN.value,
        poll_question="Do you support this declaration?",
    )
    workshop = workshops.save_workshop(session, actor_id=actor_id, form=form)
    workshops.save_section(
        session, actor_id=actor_id, workshop_id=workshop.id, title="Preamble", body=draft.preamble, position=0
    )
    for position, foundation in enumerate(foundations, start=1):
        workshops.save_section(
            session,
            actor_id=actor_id,
            workshop_id=workshop.id,
            title=foundation.title,
            body=foundation.statement,
            position=position,
        )
    return workshop.id


def snapshot_of_draft(session: Session, *, base_url: str, declaration_id: int | None = None) -> dict:
    """The current draft (or draft `declaration_id`) as a declaration dict with status "draft"."""
    draft = get_draft(session, declaration_id) if declaration_id else current_draft(session)
    if draft is None:
        raise NotFound("There is no draft declaration.")
    return build_snapshot(
        session, declaration=draft, base_url=base_url, status="draft", number=next_number(session)
    )
