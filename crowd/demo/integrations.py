"""The demo's links to other systems: a real Pol.is conversation imported as a second workshop, and an
API token for one signatory (printed once, as the token page would show it)."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import col, select

from crowd.db import Database
from crowd.models import Participant, Signatory, TokenScope, Workshop
from crowd.services.api import tokens
from crowd.services.streams import polis

POLIS_DIR = Path(__file__).resolve().parent / "data" / "polis-london-youth-policing"
POLIS_SLUG = "london-youth-policing"


def build_demo_integrations(database: Database) -> str:
    """Import the shipped Pol.is export and make a token; a line for the person running the demo."""
    files = {name: (POLIS_DIR / name).read_bytes() for name in polis.FILES if (POLIS_DIR / name).is_file()}
    export = polis.read_export(files)
    with database.write() as session:
        if session.exec(select(Workshop.id).where(Workshop.slug == POLIS_SLUG)).first() is None:
            polis.import_export(session, export=export, slug=POLIS_SLUG, actor_id=None)
        lead = session.exec(select(Participant).where(Participant.email == "lead@example.org")).one()
        signatory = session.exec(select(Signatory).order_by(col(Signatory.id))).first()
        if signatory is None:
            return f"Pol.is conversation imported as /w/{POLIS_SLUG}."
        made = tokens.create_token(
            session,
            actor=lead,
            signatory_id=signatory.id,
            name="Demo dashboard",
            days=90,
            scopes=[TokenScope.READ.value, TokenScope.WRITE_ASSESSMENTS.value],
        )
        name = signatory.organisation_name
    return (
        f"Pol.is conversation imported as /w/{POLIS_SLUG} ({len(export.comments)} comments, "
        f"{len(export.votes)} votes). API token for {name} (shown once): {made.secret}"
    )
