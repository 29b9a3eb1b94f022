"""Feedback on a published declaration, on the whole or on one paragraph, and 'Do you support it?'.

Feedback lands as ideas in the version's feedback workshop (slug "feedback-vN": section 0 is the
preamble, section i the i-th foundation), so the next draft can be themed like any other workshop.
The paragraph a comment is about is kept in `Contribution.source_ref` as "declaration-vN#KEY".
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from crowd.models import (
    Contribution,
    ContributionKind,
    DeclarationSupport,
    DeclarationVersion,
    Participant,
    PollChoice,
    Section,
    Stream,
    Workshop,
)
from crowd.models._base import utcnow
from crowd.services.declaration.snapshot import paragraphs
from crowd.services.errors import DomainError, NotFound
from crowd.services.masking import mask_personal_data
from crowd.services.workshop.contributions import clean_text, shown_clause
from crowd.services.workshop.polls import PollResults
from crowd.services.workshop.workshops import require_open

WHOLE = "whole"
FEEDBACK_SHOWN = 20


@dataclass(frozen=True)
class Paragraph:
    key: str
    label: str
    text: str
    section_position: int


def paragraphs_of(snapshot: dict) -> list[Paragraph]:
    """Every part a comment can be about: the whole, each preamble paragraph, each foundation."""
    found = [Paragraph(WHOLE, "The whole declaration", "", 0)]
    for i, text in enumerate(paragraphs(snapshot["preamble"]), start=1):
        found.append(Paragraph(f"preamble-{i}", f"Preamble, paragraph {i}", text, 0))
    for i, foundation in enumerate(snapshot["foundations"], start=1):
        text = f"{foundation['title']}: {foundation['statement']}"
        found.append(Paragraph(f"f-{foundation['slug']}", f"Foundation {i}: {foundation['title']}", text, i))
    return found


def paragraph_of(snapshot: dict, key: str) -> Paragraph | None:
    return next((p for p in paragraphs_of(snapshot) if p.key == key), None)


def source_ref(number: int, key: str) -> str:
    return f"declaration-v{number}#{key}"


def leave_feedback(
    session: Session,
    *,
    declaration: DeclarationVersion,
    paragraph: str,
    text: str,
    author: Participant | None,
) -> Contribution:
    """Record feedback as an idea in the version's feedback workshop (anonymous when author is None)."""
    if declaration.snapshot is None or declaration.feedback_workshop_id is None:
        raise NotFound("Feedback is not open on this version.")
    workshop = session.get(Workshop, declaration.feedback_workshop_id)
    if workshop is None:
        raise NotFound("Feedback is not open on this version.")
    require_open(workshop)
    chosen = paragraph_of(declaration.snapshot, paragraph or WHOLE)
    if chosen is None:
        raise DomainError("Choose which part of the declaration your comment is about.", field="paragraph")
    text = clean_text(text)
    section = session.exec(
        select(Section).where(Section.workshop_id == workshop.id, Section.position == chosen.section_position)
    ).first()
    masking = mask_personal_data(text)
    contribution = Contribution(
        workshop_id=workshop.id,
        section_id=section.id if section else None,
        author_id=author.id if author else None,
        kind=ContributionKind.IDEA,
        stream=Stream.ONLINE,
        text=masking.text,
        masked=",".join(masking.kinds),
        source_ref=source_ref(declaration.number or 0, chosen.key),
        source_role=author.role.value if author and author.role else None,
        source_borough=author.borough if author else None,
    )
    session.add(contribution)
    session.flush()
    return contribution


@dataclass(frozen=True)
class ShownFeedback:
    contribution: Contribution
    paragraph: Paragraph


def recent_feedback(
    session: Session, *, declaration: DeclarationVersion, limit: int = FEEDBACK_SHOWN
) -> list[ShownFeedback]:
    if declaration.feedback_workshop_id is None or declaration.snapshot is None:
        return []
    rows = session.exec(
        select(Contribution)
        .where(Contribution.workshop_id == declaration.feedback_workshop_id, shown_clause())
        .where(Contribution.kind == ContributionKind.IDEA)
        .order_by(col(Contribution.id).desc())
        .limit(limit)
    )
    by_key = {p.key: p for p in paragraphs_of(declaration.snapshot)}
    shown = []
    for contribution in rows:
        key = (contribution.source_ref or "").partition("#")[2] or WHOLE
        shown.append(ShownFeedback(contribution, by_key.get(key, by_key[WHOLE])))
    return shown


def parse_support(raw: str) -> PollChoice:
    try:
        return PollChoice(raw)
    except ValueError:
        raise DomainError("Choose one answer.", field="choice") from None


def answer_support(
    session: Session, *, declaration_id: int, visitor: str, participant_id: int | None, choice: PollChoice
) -> DeclarationSupport:
    """One current answer per visitor ("p:<id>" for participants, "s:<key>" per anonymous session)."""
    row = session.exec(
        select(DeclarationSupport).where(
            DeclarationSupport.declaration_id == declaration_id, DeclarationSupport.visitor == visitor
        )
    ).first()
    if row is None:
        row = DeclarationSupport(
            declaration_id=declaration_id, visitor=visitor, participant_id=participant_id, choice=choice.value
        )
    else:
        row.choice, row.updated_at = choice.value, utcnow()
    session.add(row)
    session.flush()
    return row


def support_results(session: Session, *, declaration_id: int, visitor: str | None) -> PollResults:
    counts = {choice: 0 for choice in PollChoice}
    for choice, n in session.exec(
        select(DeclarationSupport.choice, func.count())
        .where(DeclarationSupport.declaration_id == declaration_id)
        .group_by(DeclarationSupport.choice)
    ):
        counts[PollChoice(choice)] = n
    mine = None
    if visitor:
        mine = session.exec(
            select(DeclarationSupport.choice).where(
                DeclarationSupport.declaration_id == declaration_id, DeclarationSupport.visitor == visitor
            )
        ).first()
    return PollResults(counts, PollChoice(mine) if mine else None)
