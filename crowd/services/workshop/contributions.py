"""Ideas, comments and notes: posting, editing, withdrawing, listing and flagging."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from crowd.models import (
    Contribution,
    ContributionKind,
    ContributionStatus,
    Flag,
    Participant,
    Section,
    Stream,
    Workshop,
)
from crowd.models._base import utcnow
from crowd.services import signals
from crowd.services.errors import DomainError, Forbidden, NotFound
from crowd.services.masking import MaskResult, mask_personal_data
from crowd.services.workshop.workshops import require_open

MAX_LENGTH = 2000
HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>|<!--|javascript:", re.IGNORECASE)
PAGE_SIZE = 20
MANY_FLAGS = 3  # flags that mark a contribution FLAGGED for the moderation queue


class IdeaSort(StrEnum):
    NEWEST = "newest"
    SUPPORTED = "supported"
    DISCUSSED = "discussed"

    @property
    def label(self) -> str:
        return {"newest": "Newest", "supported": "Most supported", "discussed": "Most discussed"}[self.value]


def wilson_lower_bound(agree: int, disagree: int, z: float = 1.96) -> float:
    """Lower bound of the Wilson score interval for the agree share among agree and disagree votes."""
    n = agree + disagree
    if n == 0:
        return 0.0
    p = agree / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt((p * (1 - p) + z * z / (4 * n)) / n)
    return (centre - spread) / (1 + z * z / n)


def is_shown(contribution: Contribution) -> bool:
    return contribution.status != ContributionStatus.HIDDEN and contribution.withdrawn_at is None


def shown_clause():
    return (col(Contribution.status) != ContributionStatus.HIDDEN) & col(Contribution.withdrawn_at).is_(None)


def clean_text(raw: str) -> str:
    """Check what a person wrote and return it tidied; refuse what cannot be posted."""
    text = (raw or "").replace("\r\n", "\n").strip()
    if not text:
        raise DomainError("Write something before posting.", field="text")
    if len(text) > MAX_LENGTH:
        raise DomainError(
            f"Keep it to {MAX_LENGTH:,} characters or fewer (you wrote {len(text):,}).", field="text"
        )
    if HTML_TAG.search(text):
        raise DomainError("Please write plain text: HTML tags and scripts are not allowed.", field="text")
    return text


def _refuse_repeat(session: Session, *, workshop_id: int, author_id: int, text: str) -> None:
    last = session.exec(
        select(Contribution.text)
        .where(Contribution.workshop_id == workshop_id, Contribution.author_id == author_id)
        .order_by(col(Contribution.id).desc())
        .limit(1)
    ).first()
    if last is not None and " ".join(last.split()).lower() == " ".join(text.split()).lower():
        raise DomainError("You have just posted this. Edit your earlier post instead.", field="text")


@dataclass
class Posted:
    contribution: Contribution
    masking: MaskResult = field(default_factory=lambda: MaskResult("", ()))


def _save_post(
    session: Session,
    *,
    workshop: Workshop,
    author: Participant,
    text: str,
    kind: ContributionKind,
    section_id: int | None,
    parent_id: int | None = None,
) -> Posted:
    """Store an online idea or comment, masked, with its author's role and borough at posting time."""
    _refuse_repeat(session, workshop_id=workshop.id, author_id=author.id, text=text)
    masking = mask_personal_data(text)
    post = Contribution(
        workshop_id=workshop.id,
        section_id=section_id,
        parent_id=parent_id,
        author_id=author.id,
        kind=kind,
        stream=Stream.ONLINE,
        text=masking.text,
        masked=",".join(masking.kinds),
        source_role=author.role.value if author.role else None,
        source_borough=author.borough,
    )
    session.add(post)
    session.flush()
    signals.contribution_posted(session)  # the theme worker embeds it and puts it in its nearest theme
    return Posted(post, masking)


def post_idea(
    session: Session, *, workshop: Workshop, section_id: int | None, author: Participant, text: str
) -> Posted:
    require_open(workshop)
    text = clean_text(text)
    section = session.get(Section, section_id) if section_id else None
    if section is None or section.workshop_id != workshop.id:
        raise DomainError("Choose which part of the draft your idea is about.", field="section_id")
    return _save_post(
        session,
        workshop=workshop,
        author=author,
        text=text,
        kind=ContributionKind.IDEA,
        section_id=section.id,
    )


def post_comment(
    session: Session, *, workshop: Workshop, parent_id: int, author: Participant, text: str
) -> Posted:
    require_open(workshop)
    text = clean_text(text)
    parent = session.get(Contribution, parent_id)
    if parent is None or parent.workshop_id != workshop.id or not is_shown(parent):
        raise NotFound("The idea you are replying to is not available.")
    if parent.kind != ContributionKind.IDEA:
        parent = session.get(Contribution, parent.parent_id) if parent.parent_id else parent
    session.exec(
        update(Contribution)
        .where(col(Contribution.id) == parent.id)
        .values(comment_count=Contribution.comment_count + 1)
    )
    return _save_post(
        session,
        workshop=workshop,
        author=author,
        text=text,
        kind=ContributionKind.COMMENT,
        section_id=parent.section_id,
        parent_id=parent.id,
    )


def _own(session: Session, *, contribution_id: int, author_id: int) -> tuple[Contribution, Workshop]:
    contribution = session.get(Contribution, contribution_id)
    if contribution is None or contribution.withdrawn_at is not None:
        raise NotFound("That contribution is not available.")
    if contribution.author_id != author_id:
        raise Forbidden("You can only change your own contributions.")
    workshop = session.get(Workshop, contribution.workshop_id)
    assert workshop is not None
    require_open(workshop)
    return contribution, workshop


def edit_own(session: Session, *, contribution_id: int, author_id: int, text: str) -> Posted:
    contribution, _ = _own(session, contribution_id=contribution_id, author_id=author_id)
    masking = mask_personal_data(clean_text(text))
    if contribution.moderated_at is not None and masking.text != contribution.text:
        # a moderator cleared the words it had; new words go back through moderation
        from crowd.services.workshop import moderation

        moderation.hold(session, contribution=contribution, reason="edited after moderation")
    contribution.text = masking.text
    contribution.masked = ",".join(sorted(set(contribution.masked_kinds) | set(masking.kinds)))
    contribution.updated_at = utcnow()
    session.add(contribution)
    return Posted(contribution, masking)


def withdraw_own(session: Session, *, contribution_id: int, author_id: int) -> Contribution:
    contribution, _ = _own(session, contribution_id=contribution_id, author_id=author_id)
    contribution.withdrawn_at = utcnow()
    session.add(contribution)
    if contribution.parent_id and contribution.status != ContributionStatus.HIDDEN:
        session.exec(
            update(Contribution)
            .where(col(Contribution.id) == contribution.parent_id)
            .values(comment_count=Contribution.comment_count - 1)
        )
    return contribution


@dataclass
class IdeaPage:
    ideas: list[Contribution]
    total: int
    page: int
    pages: int
    sort: IdeaSort
    query: str
    section_id: int | None


def list_ideas(
    session: Session,
    *,
    workshop_id: int,
    sort: str = IdeaSort.NEWEST,
    query: str = "",
    section_id: int | None = None,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> IdeaPage:
    try:
        order = IdeaSort(sort)
    except ValueError:
        order = IdeaSort.NEWEST
    where = [
        Contribution.workshop_id == workshop_id,
        Contribution.kind == ContributionKind.IDEA,
        shown_clause(),
    ]
    query = (query or "").strip()[:200]
    if query:
        like = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(col(Contribution.text).ilike(like, escape="\\"))
    if section_id:
        where.append(Contribution.section_id == section_id)
    total = session.exec(select(func.count()).select_from(Contribution).where(*where)).one()
    pages = max(1, math.ceil(total / page_size))
    page = min(max(1, page), pages)
    statement = select(Contribution).where(*where)
    if order == IdeaSort.SUPPORTED:
        statement = statement.order_by(col(Contribution.support).desc(), col(Contribution.id).desc())
    elif order == IdeaSort.DISCUSSED:
        statement = statement.order_by(col(Contribution.comment_count).desc(), col(Contribution.id).desc())
    else:
        statement = statement.order_by(col(Contribution.id).desc())
    ideas = list(session.exec(statement.offset((page - 1) * page_size).limit(page_size)))
    return IdeaPage(ideas, total, page, pages, order, query, section_id)


def get_shown(session: Session, contribution_id: int, *, workshop_id: int | None = None) -> Contribution:
    contribution = session.get(Contribution, contribution_id)
    if contribution is None or not is_shown(contribution):
        raise NotFound("That contribution is not available.")
    if workshop_id is not None and contribution.workshop_id != workshop_id:
        raise NotFound("That contribution is not available.")
    return contribution


def item_address(session: Session, contribution_id: int) -> str:
    """Where a contribution is shown: its idea's page, at the contribution."""
    contribution = session.get(Contribution, contribution_id)
    if contribution is None:
        raise NotFound("That contribution is not available.")
    workshop = session.get(Workshop, contribution.workshop_id)
    assert workshop is not None  # a foreign key
    return f"/w/{workshop.slug}/ideas/{contribution.parent_id or contribution.id}#c{contribution.id}"


def comments_of(session: Session, idea_id: int) -> list[Contribution]:
    statement = (
        select(Contribution)
        .where(Contribution.parent_id == idea_id, shown_clause())
        .order_by(col(Contribution.id))
    )
    return list(session.exec(statement))


def authors_by_id(session: Session, ids: set[int]) -> dict[int, Participant]:
    if not ids:
        return {}
    return {p.id: p for p in session.exec(select(Participant).where(col(Participant.id).in_(ids)))}


def flag(session: Session, *, contribution_id: int, participant_id: int, reason: str) -> Contribution:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Tell us why this needs a moderator's look.", field="reason")
    if len(reason) > 500:
        raise DomainError("Keep the reason to 500 characters or fewer.", field="reason")
    contribution = get_shown(session, contribution_id)
    exists = session.exec(
        select(Flag).where(Flag.contribution_id == contribution_id, Flag.participant_id == participant_id)
    ).first()
    if exists:
        raise DomainError("You have already flagged this. A moderator will look at it.")
    session.add(Flag(contribution_id=contribution_id, participant_id=participant_id, reason=reason))
    session.exec(
        update(Contribution)
        .where(col(Contribution.id) == contribution_id)
        .values(flag_count=Contribution.flag_count + 1)
    )
    session.refresh(contribution)
    if contribution.flag_count >= MANY_FLAGS and contribution.status == ContributionStatus.VISIBLE:
        contribution.status = ContributionStatus.FLAGGED
        session.add(contribution)
    return contribution
