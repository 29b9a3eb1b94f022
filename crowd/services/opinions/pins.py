"""Pinning a consensus statement of an opinion run as a quote in a foundation's evidence."""

from __future__ import annotations

from sqlmodel import Session, select

import opinions
from crowd.models import Evidence, EvidenceKind, OpinionRun, OpinionRunStatus
from crowd.services.declaration import foundations
from crowd.services.errors import Conflict, DomainError, NotFound
from crowd.services.opinions.ranking import rankings


def pin_consensus(
    session: Session,
    *,
    actor_id: int,
    run_id: int,
    contribution_id: int,
    foundation_id: int,
    min_votes: int = 5,
) -> Evidence:
    """Pin a statement of a run's consensus list (with `min_votes` in every group) as a quote in a
    foundation's evidence."""
    run = session.get(OpinionRun, run_id)
    if run is None or run.status != OpinionRunStatus.OK:
        raise NotFound("There is no such opinion analysis.")
    ranks = rankings(run, opinions.result_from_dict(run.result), min_votes=min_votes)
    agreed = {r.statement_id for r in ranks.consensus}
    if contribution_id not in agreed:
        raise DomainError(
            "Only a statement that every group agrees with can be pinned here.", field="contribution_id"
        )
    already = session.exec(
        select(Evidence).where(
            Evidence.foundation_id == foundation_id,
            Evidence.contribution_id == contribution_id,
            Evidence.kind == EvidenceKind.QUOTE,
        )
    ).first()
    if already is not None:
        raise Conflict("That statement is already evidence for this foundation.")
    return foundations.add_evidence(
        session,
        actor_id=actor_id,
        foundation_id=foundation_id,
        kind=EvidenceKind.QUOTE.value,
        contribution_id=contribution_id,
    )
