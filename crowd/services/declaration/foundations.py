"""The foundations workspace: draft foundations, their evidence, and safe concurrent editing.

Every save carries the `version` the editor loaded; a save with a stale version raises Conflict and
changes nothing, so two moderators can never silently overwrite each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from crowd.models import (
    CareRole,
    Contribution,
    Evidence,
    EvidenceKind,
    Foundation,
    Participant,
)
from crowd.models._base import utcnow
from crowd.services import audit
from crowd.services.errors import Conflict, DomainError, NotFound, ValidationFailed

TEXT_LIMIT = 5000
URL = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)
FIELDS = ("title", "statement", "looks_like", "how_to_achieve")
FIELD_LABELS = {
    "title": "Title",
    "statement": "Statement",
    "looks_like": "What it should look like",
    "how_to_achieve": "How it can be achieved",
}
CONFLICT_MESSAGE = "Someone else changed this foundation while you were editing: here are their changes."


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:70] or "foundation"


def _unique_slug(session: Session, base: str) -> str:
    slug, n = base, 1
    while session.exec(select(Foundation.id).where(Foundation.slug == slug)).first() is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _checked_text(*, title: str, statement: str, looks_like: str, how_to_achieve: str) -> dict[str, str]:
    values = {
        "title": title.strip(),
        "statement": statement.replace("\r\n", "\n").strip(),
        "looks_like": looks_like.replace("\r\n", "\n").strip(),
        "how_to_achieve": how_to_achieve.replace("\r\n", "\n").strip(),
    }
    errors: dict[str, str] = {}
    if not values["title"]:
        errors["title"] = "Enter a title"
    elif len(values["title"]) > 200:
        errors["title"] = "The title must be 200 characters or fewer"
    for name in ("statement", "looks_like", "how_to_achieve"):
        if len(values[name]) > TEXT_LIMIT:
            errors[name] = f"{FIELD_LABELS[name]} must be {TEXT_LIMIT:,} characters or fewer"
    if errors:
        raise ValidationFailed(errors)
    return values


def create_foundation(
    session: Session,
    *,
    actor_id: int | None,
    title: str,
    statement: str = "",
    looks_like: str = "",
    how_to_achieve: str = "",
    slug: str | None = None,
) -> Foundation:
    """A new draft foundation (also what 'promote theme to foundation' calls)."""
    values = _checked_text(
        title=title, statement=statement, looks_like=looks_like, how_to_achieve=how_to_achieve
    )
    position = session.exec(select(func.count()).select_from(Foundation)).one()
    foundation = Foundation(
        slug=_unique_slug(session, slugify(slug or values["title"])),
        position=position,
        created_by=actor_id,
        updated_by=actor_id,
        **values,
    )
    audit.record_saved(
        session, foundation, actor_id=actor_id, action="create_foundation", target_type="foundation"
    )
    return foundation


class FoundationConflict(Conflict):
    """A stale save: `theirs` holds the stored values, `changed` the fields that differ from the form."""

    theirs: dict[str, str]
    changed: list[str]
    current_version: int

    def __init__(self, theirs: dict[str, str], changed: list[str], current_version: int) -> None:
        super().__init__(CONFLICT_MESSAGE)
        self.theirs, self.changed, self.current_version = theirs, changed, current_version


def update_foundation(
    session: Session,
    *,
    actor_id: int | None,
    foundation_id: int,
    expected_version: int,
    title: str,
    statement: str,
    looks_like: str,
    how_to_achieve: str,
) -> Foundation:
    """Save the text of a foundation if nobody saved it since `expected_version` was loaded."""
    foundation = get_foundation(session, foundation_id)
    values = _checked_text(
        title=title, statement=statement, looks_like=looks_like, how_to_achieve=how_to_achieve
    )
    before = foundation.model_dump(mode="json")
    # compare-and-set in one statement: safe even when two saves race past the read above
    result = session.exec(
        update(Foundation)
        .where(col(Foundation.id) == foundation_id, col(Foundation.version) == expected_version)
        .values(
            version=expected_version + 1,
            updated_by=actor_id,
            updated_at=utcnow(),
            drafted_from=0,  # a person has edited it: no longer crowd's draft
            draft_citations={},
            **values,
        )
    )
    if result.rowcount != 1:
        session.refresh(foundation)
        theirs = {name: getattr(foundation, name) for name in FIELDS}
        changed = [name for name in FIELDS if theirs[name] != values[name]]
        raise FoundationConflict(theirs, changed, foundation.version)
    session.refresh(foundation)
    audit.record(
        session,
        actor_id=actor_id,
        action="edit_foundation",
        target_type="foundation",
        target_id=foundation_id,
        before=before,
        after=foundation.model_dump(mode="json"),
    )
    return foundation


def get_foundation(session: Session, foundation_id: int) -> Foundation:
    foundation = session.get(Foundation, foundation_id)
    if foundation is None:
        raise NotFound("There is no such foundation.")
    return foundation


def list_foundations(session: Session) -> list[Foundation]:
    return list(session.exec(select(Foundation).order_by(Foundation.position, Foundation.id)))


# --- evidence ------------------------------------------------------------------------------------


def _clean_url(raw: str, errors: dict[str, str]) -> str:
    url = raw.strip()
    if url and (not URL.match(url) or len(url) > 500):
        errors["url"] = "Enter a web address starting with http:// or https://"
    return url


def add_evidence(
    session: Session,
    *,
    actor_id: int | None,
    foundation_id: int,
    kind: str,
    contribution_id: int | None = None,
    title: str = "",
    text: str = "",
    citation: str = "",
    url: str = "",
) -> Evidence:
    """Pin a crowd quote (a contribution), or add a case study or a literature reference."""
    get_foundation(session, foundation_id)
    errors: dict[str, str] = {}
    try:
        evidence_kind = EvidenceKind(kind)
    except ValueError:
        raise ValidationFailed({"kind": "Choose a kind of evidence"}) from None
    text, title, citation = text.strip(), title.strip(), citation.strip()
    if evidence_kind == EvidenceKind.QUOTE:
        contribution = session.get(Contribution, contribution_id) if contribution_id else None
        if contribution is None or contribution.withdrawn_at is not None or contribution.status == "hidden":
            errors["contribution_id"] = "Enter the number of a visible contribution to quote"
        text = ""
    elif evidence_kind == EvidenceKind.CASE_STUDY:
        contribution_id = None
        if not title:
            errors["title"] = "Give the case study a title"
        if not text:
            errors["text"] = "Describe the case study"
    else:
        contribution_id = None
        if not citation:
            errors["citation"] = "Enter the citation"
    url = _clean_url(url, errors)
    if len(text) > TEXT_LIMIT:
        errors["text"] = f"Keep the text to {TEXT_LIMIT:,} characters or fewer"
    if len(title) > 300 or len(citation) > 500:
        errors["title" if len(title) > 300 else "citation"] = "That is too long"
    if errors:
        raise ValidationFailed(errors)
    position = session.exec(
        select(func.count()).select_from(Evidence).where(Evidence.foundation_id == foundation_id)
    ).one()
    evidence = Evidence(
        foundation_id=foundation_id,
        kind=evidence_kind,
        position=position,
        contribution_id=contribution_id,
        title=title,
        text=text,
        citation=citation,
        url=url,
    )
    session.add(evidence)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="add_evidence",
        target_type="foundation",
        target_id=foundation_id,
        after=evidence.model_dump(mode="json"),
    )
    return evidence


def remove_evidence(session: Session, *, actor_id: int | None, foundation_id: int, evidence_id: int) -> None:
    evidence = session.get(Evidence, evidence_id)
    if evidence is None or evidence.foundation_id != foundation_id:
        raise NotFound("There is no such evidence.")
    audit.record(
        session,
        actor_id=actor_id,
        action="remove_evidence",
        target_type="foundation",
        target_id=foundation_id,
        before=evidence.model_dump(mode="json"),
    )
    session.delete(evidence)


@dataclass(frozen=True)
class ShownEvidence:
    """Evidence as readers see it: the text, who it is attributed to, and where it comes from."""

    id: int
    kind: EvidenceKind
    text: str
    attribution: str
    reference: str | None


def quote_attribution(contribution: Contribution, author: Participant | None) -> str:
    """Role and borough; the display name only when the author consented to be quoted."""
    role_value = author.role.value if author and author.role else contribution.source_role
    try:
        role = CareRole(role_value).label if role_value else ""
    except ValueError:
        role = str(role_value).replace("_", " ").capitalize()
    borough = (author.borough if author else None) or contribution.source_borough or ""
    parts = [role or "Participant", borough]
    if author is not None and author.consent_quote and author.display_name and author.erased_at is None:
        parts.insert(0, author.display_name)
    return ", ".join(p for p in parts if p)


def evidence_of(session: Session, *, foundation_id: int) -> list[ShownEvidence]:
    items = list(
        session.exec(
            select(Evidence)
            .where(Evidence.foundation_id == foundation_id)
            .order_by(Evidence.position, Evidence.id)
        )
    )
    quoted = {e.contribution_id for e in items if e.contribution_id}
    contributions = (
        {c.id: c for c in session.exec(select(Contribution).where(col(Contribution.id).in_(quoted)))}
        if quoted
        else {}
    )
    author_ids = {c.author_id for c in contributions.values() if c.author_id}
    authors = (
        {p.id: p for p in session.exec(select(Participant).where(col(Participant.id).in_(author_ids)))}
        if author_ids
        else {}
    )
    shown: list[ShownEvidence] = []
    for item in items:
        if item.kind == EvidenceKind.QUOTE:
            contribution = contributions.get(item.contribution_id)
            if (
                contribution is None
                or contribution.status == "hidden"
                or contribution.withdrawn_at is not None
            ):
                continue  # a hidden or withdrawn contribution is never quoted
            author = authors.get(contribution.author_id) if contribution.author_id else None
            shown.append(
                ShownEvidence(
                    item.id,
                    item.kind,
                    contribution.text,
                    quote_attribution(contribution, author),
                    f"contribution:{contribution.id}",
                )
            )
        elif item.kind == EvidenceKind.CASE_STUDY:
            shown.append(ShownEvidence(item.id, item.kind, item.text, item.title, item.url or None))
        else:
            shown.append(ShownEvidence(item.id, item.kind, item.text, item.citation, item.url or None))
    return shown


def require_statement(foundation: Foundation) -> None:
    if not foundation.statement.strip():
        raise DomainError(f'The foundation "{foundation.title}" has no "We must ..." statement yet.')
