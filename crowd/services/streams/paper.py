"""Paper and phone: a printable response form per workshop, and typing in the answers in bulk.

Typed-in responses are contributions of the stream "paper": masked for personal data like any other,
attributed to the role and borough the person gave (or none), and never to an account. A batch is
stored whole or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session

from crowd.models import CareRole, Contribution, ContributionKind, Stream, Workshop
from crowd.services import audit
from crowd.services.boroughs import BOROUGHS
from crowd.services.declaration import easy_read
from crowd.services.errors import DomainError, ValidationFailed
from crowd.services.masking import mask_personal_data
from crowd.services.workshop import workshops
from crowd.services.workshop.contributions import clean_text

CHANNELS = {"paper": "Paper form", "phone": "Phone call"}
ROWS = 8


def short_link(base_url: str, workshop: Workshop) -> str:
    return f"{base_url.rstrip('/')}/w/{workshop.slug}"


def form_data(session: Session, *, workshop: Workshop, base_url: str, easy: bool) -> dict:
    """exports.response_form.ResponseForm for the workshop (Easy Read points with their pictures)."""
    sections = workshops.sections(session, workshop.id)
    points = easy_read.points_for(session, "section", [s.id for s in sections]) if easy else {}
    return {
        "title": workshop.title,
        "intro": workshop.intro,
        "url": short_link(base_url, workshop),
        "sections": [
            {
                "title": s.title,
                "body": s.body,
                "easy_read": [
                    {**p, "svg": easy_read.picture_svg(p.get("picture", ""))} for p in points.get(s.id, [])
                ],
            }
            for s in sections
        ],
        "roles": [r.label for r in CareRole],
        "return_to": "the person who gave you this form",
    }


@dataclass
class PaperRow:
    section_id: int | None
    role: str | None
    borough: str | None
    text: str


def parse_rows(
    session: Session, *, workshop: Workshop, form: Mapping[str, object], rows: int = ROWS
) -> list[PaperRow]:
    """Rows text-N, section-N, role-N, borough-N; empty rows are skipped; any bad row refuses them all."""
    section_ids = {s.id for s in workshops.sections(session, workshop.id)}
    parsed, errors = [], {}
    for n in range(rows):
        text = str(form.get(f"text-{n}", "") or "")
        section, role, borough = (
            str(form.get(f"{k}-{n}", "") or "").strip() for k in ("section", "role", "borough")
        )
        if not text.strip():
            if section or role or borough:
                errors[f"text-{n}"] = f"Response {n + 1}: type what the person wrote or said."
            continue
        try:
            text = clean_text(text)
        except DomainError as error:
            errors[f"text-{n}"] = f"Response {n + 1}: {error.message}"
        section_id = int(section) if section.isdigit() else None
        if section and section_id not in section_ids:
            errors[f"section-{n}"] = f"Response {n + 1}: choose a part of this workshop's draft."
        if role and role not in {r.value for r in CareRole}:
            errors[f"role-{n}"] = f"Response {n + 1}: choose a role from the list."
        if borough and borough not in BOROUGHS:
            errors[f"borough-{n}"] = f"Response {n + 1}: choose a London borough, or outside London."
        parsed.append(PaperRow(section_id, role or None, borough or None, text))
    if not parsed and not errors:
        errors["text-0"] = "Type at least one response."
    if errors:
        raise ValidationFailed(errors)
    return parsed


def record(
    session: Session, *, workshop: Workshop, actor_id: int | None, channel: str, rows: list[PaperRow]
) -> list[Contribution]:
    """Store the responses as ideas of the stream "paper", masked, attributed to no account."""
    if channel not in CHANNELS:
        raise ValidationFailed({"channel": "Choose paper form or phone call."})
    made, masked_kinds = [], set()
    for row in rows:
        masking = mask_personal_data(row.text)
        masked_kinds |= set(masking.kinds)
        contribution = Contribution(
            workshop_id=workshop.id,
            section_id=row.section_id,
            author_id=None,
            kind=ContributionKind.IDEA,
            stream=Stream.PAPER,
            text=masking.text,
            masked=",".join(masking.kinds),
            source_ref=CHANNELS[channel],
            source_role=row.role,
            source_borough=row.borough,
        )
        session.add(contribution)
        made.append(contribution)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="record_paper_responses",
        target_type="workshop",
        target_id=workshop.id,
        after={
            "channel": channel,
            "count": len(made),
            "ids": [c.id for c in made],
            "masked": sorted(masked_kinds),
        },
    )
    return made
