"""Freeze a declaration into the plain dict the public pages, the benchmark and exports read.

The dict is exactly `exports.contracts.Declaration`. Stats come from the workshops' tables at the
moment of freezing: everyone who posted, voted or answered a straw poll, their organisations and
London boroughs, the ideas, comments and votes, and the share who support a draft completely or mostly.
"""

from __future__ import annotations

from sqlalchemy import func, union
from sqlmodel import Session, col, select

from crowd.models import (
    Contribution,
    ContributionKind,
    ContributionStatus,
    DeclarationItem,
    DeclarationVersion,
    Foundation,
    Participant,
    PollAnswer,
    PollChoice,
    Vote,
)
from crowd.services.boroughs import LONDON_BOROUGHS
from crowd.services.declaration import easy_read
from crowd.services.declaration.foundations import evidence_of
from crowd.services.declaration.outcomes import outcomes_of
from exports.text import paragraphs  # noqa: F401 - the one paragraph rule, shared with the exports


def public_url(base_url: str, number: int | None) -> str:
    base = base_url.rstrip("/")
    return f"{base}/declaration/v/{number}" if number else f"{base}/declaration"


def _shown():
    return (col(Contribution.status) != ContributionStatus.HIDDEN) & col(Contribution.withdrawn_at).is_(None)


def crowd_stats(session: Session) -> dict:
    """The numbers behind the declaration, counted now across every workshop."""
    authors = select(Contribution.author_id.label("pid")).where(
        col(Contribution.author_id).is_not(None), _shown()
    )
    voters = select(Vote.participant_id.label("pid"))  # type: ignore[attr-defined]  # SQLModel types a column as its Python value; on the class it is a SQLAlchemy column
    answerers = select(PollAnswer.participant_id.label("pid"))  # type: ignore[attr-defined]  # SQLModel types a column as its Python value; on the class it is a SQLAlchemy column
    people_ids = union(authors, voters, answerers).subquery()
    people = session.exec(select(func.count()).select_from(people_ids)).one()
    organisations = session.exec(
        select(func.count(func.distinct(Participant.organisation_id))).where(
            col(Participant.id).in_(select(people_ids.c.pid))
        )
    ).one()
    boroughs = set(
        session.exec(
            select(Participant.borough).where(col(Participant.id).in_(select(people_ids.c.pid))).distinct()
        )
    )
    boroughs |= set(
        session.exec(
            select(Contribution.source_borough)
            .where(col(Contribution.author_id).is_(None), _shown())
            .distinct()
        )
    )

    def count(kind: ContributionKind) -> int:
        return session.exec(
            select(func.count()).select_from(Contribution).where(Contribution.kind == kind, _shown())
        ).one()

    votes = session.exec(
        select(func.count())
        .select_from(Vote)
        .join(Contribution, col(Contribution.id) == col(Vote.contribution_id))
        .where(_shown())
    ).one()
    answers = dict(session.exec(select(PollAnswer.choice, func.count()).group_by(PollAnswer.choice)).all())
    total = sum(answers.values())
    supporting = sum(
        n for choice, n in answers.items() if PollChoice(choice) in (PollChoice.COMPLETELY, PollChoice.MOSTLY)
    )
    return {
        "people": int(people),
        "organisations": int(organisations),
        "boroughs": len(boroughs & set(LONDON_BOROUGHS)),
        "ideas": int(count(ContributionKind.IDEA)),
        "comments": int(count(ContributionKind.COMMENT)),
        "votes": int(votes),
        "poll_support_share": round(supporting / total, 4) if total else None,
    }


def chosen_foundations(session: Session, declaration_id: int) -> list[Foundation]:
    query = (
        select(Foundation)
        .join(DeclarationItem, col(DeclarationItem.foundation_id) == col(Foundation.id))
        .where(DeclarationItem.declaration_id == declaration_id)
        .order_by(DeclarationItem.position, DeclarationItem.id)
    )
    return list(session.exec(query))


def foundation_dict(session: Session, foundation: Foundation) -> dict:
    return {
        "slug": foundation.slug,
        "title": foundation.title,
        "statement": foundation.statement,
        "looks_like": foundation.looks_like,
        "how_to_achieve": foundation.how_to_achieve,
        "evidence": [
            {"kind": e.kind.value, "text": e.text, "attribution": e.attribution, "reference": e.reference}
            for e in evidence_of(session, foundation_id=foundation.id)
        ],
        "outcomes": [
            {
                "name": o.name,
                "definition": o.definition,
                "unit": o.unit.value,
                "direction": o.direction.value,
                "baseline": o.baseline,
                "target": o.target,
                "period": o.period,
                "data_source": o.data_source,
            }
            for o in outcomes_of(session, foundation_id=foundation.id)
        ],
    }


def build_snapshot(
    session: Session, *, declaration: DeclarationVersion, base_url: str, status: str, number: int | None
) -> dict:
    return {
        "title": declaration.title,
        "version": number or 0,
        "status": status,
        "published_at": declaration.published_at.isoformat() if declaration.published_at else None,
        "change_note": declaration.change_note,
        "preamble": declaration.preamble,
        "public_url": public_url(base_url, number),
        "stats": crowd_stats(session),
        "foundations": [foundation_dict(session, f) for f in chosen_foundations(session, declaration.id)],
        "easy_read": easy_read.snapshot_part(
            session, declaration, chosen_foundations(session, declaration.id)
        ),
    }


def outcome_key(slug: str, index: int) -> str:
    """How an assessment names an outcome of a frozen snapshot: '<foundation slug>-o<1-based n>'
    (unique, and safe as an HTML id)."""
    return f"{slug}-o{index + 1}"


def outcomes_by_key(snapshot: dict) -> dict[str, tuple[dict, dict]]:
    """key -> (foundation, outcome) for every outcome of a frozen snapshot, in order."""
    return {
        outcome_key(f["slug"], i): (f, o)
        for f in snapshot["foundations"]
        for i, o in enumerate(f["outcomes"])
    }
