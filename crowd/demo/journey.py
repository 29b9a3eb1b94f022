"""The rest of the demo journey on top of the workshop: a published declaration with outcomes and
signatories, an opinion analysis, and a theme run queued for the worker (it runs when `crowd serve`
or `crowd worker` starts, so the demo shows a run's progress too)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from crowd.db import Database
from crowd.demo import draft
from crowd.demo.declaration import build_demo_declaration
from crowd.models import Contribution, ContributionKind, ContributionStatus, Participant, Workshop
from crowd.services.opinions import runs as opinions
from crowd.services.themes import runs as theme_runs

QUOTES = 12


@dataclass
class Journey:
    version: int
    signatories: int
    opinion_groups: int
    theme_run_id: int

    def __str__(self) -> str:
        return "\n".join(
            (
                f"  Declaration version {self.version} published with {self.signatories} signatories "
                "(see /declaration and /declaration/benchmark)",
                f"  Opinion map: {self.opinion_groups} groups of people who vote alike",
                f"  Theme run {self.theme_run_id} queued: it runs in the background once `crowd serve` starts",
            )
        )


def build_demo_journey(database: Database, *, base_url: str = "") -> Journey:
    with database.write() as session:
        workshop = session.exec(select(Workshop).where(Workshop.slug == draft.SLUG)).one()
        lead = session.exec(select(Participant).where(Participant.email == "lead@example.org")).one()
        moderator = session.exec(
            select(Participant).where(Participant.email == "moderator@example.org")
        ).one()
        quotes = list(
            session.exec(
                select(Contribution.id)
                .join(Participant, col(Participant.id) == Contribution.author_id)
                .where(
                    Contribution.workshop_id == workshop.id,
                    Contribution.kind == ContributionKind.IDEA,
                    Contribution.status == ContributionStatus.VISIBLE,
                    col(Participant.consent_quote).is_(True),
                )
                .order_by(col(Contribution.support).desc())
                .limit(QUOTES)
            )
        )
        made = build_demo_declaration(
            session,
            lead_id=lead.id,
            moderator_id=moderator.id,
            workshop_id=workshop.id,
            quotes=quotes,
            base_url=base_url,
        )
        run = theme_runs.start_run(session, workshop_id=workshop.id, actor_id=moderator.id)
        workshop_id, moderator_id, run_id = workshop.id, moderator.id, run.id
    opinion_run = opinions.start_run(
        database, workshop_id=workshop_id, actor_id=moderator_id, background=False
    )
    groups = len((opinion_run.result or {}).get("groups", []))
    return Journey(
        version=made.number, signatories=len(made.signatory_ids), opinion_groups=groups, theme_run_id=run_id
    )
