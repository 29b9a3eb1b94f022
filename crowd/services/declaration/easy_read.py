"""Easy Read: a lead gives each workshop section, a declaration draft's preamble and each foundation an
Easy Read text - short points, each with an optional picture (from static/easyread/) and its alt text.

Published versions freeze their Easy Read with the rest of the snapshot (`snapshot["easy_read"]`). Where
a part has no Easy Read text, pages and exports show the standard text with a note saying so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from sqlmodel import Session, col, select

from crowd.models import DeclarationVersion, EasyRead, Foundation, Section
from crowd.models._base import utcnow
from crowd.services import audit
from crowd.services.errors import NotFound, ValidationFailed

PICTURE_DIR = Path(__file__).resolve().parents[3] / "static" / "easyread"
PICTURES = {
    "speech": "Speech bubble",
    "people": "Two people",
    "heart": "Heart",
    "home": "House",
    "health": "Health cross",
    "phone": "Mobile phone",
    "tick": "Tick",
    "question": "Question mark",
}
TARGETS = ("section", "preamble", "foundation")
MAX_POINTS = 12
MAX_POINT = 200
LONG_SENTENCE_WORDS = 20
FALLBACK_NOTE = "There is no Easy Read version of this part yet. This is the standard text."


def picture_url(name: str) -> str:
    return f"/static/easyread/{name}.svg"


def picture_svg(name: str) -> str:
    return (PICTURE_DIR / f"{name}.svg").read_text(encoding="utf-8") if name in PICTURES else ""


def _check_target(session: Session, target_type: str, target_id: int) -> str:
    """The name of what the Easy Read text is for; NotFound if there is no such thing."""
    model = {"section": Section, "preamble": DeclarationVersion, "foundation": Foundation}.get(target_type)
    row = session.get(model, target_id) if model else None
    if row is None:
        raise NotFound("There is nothing to write an Easy Read text for there.")
    if target_type == "preamble":
        return f"Preamble of “{row.title}”"
    return row.title


def points_of(session: Session, target_type: str, target_id: int) -> list[dict]:
    found = session.exec(
        select(EasyRead).where(EasyRead.target_type == target_type, EasyRead.target_id == target_id)
    ).first()
    return list(found.points) if found else []


def points_for(session: Session, target_type: str, ids: list[int]) -> dict[int, list[dict]]:
    if not ids:
        return {}
    rows = session.exec(
        select(EasyRead).where(EasyRead.target_type == target_type, col(EasyRead.target_id).in_(ids))
    )
    return {row.target_id: list(row.points) for row in rows}


def parse_points(form: Mapping[str, object], count: int = MAX_POINTS) -> list[dict]:
    """Points from fields point-N-text, point-N-picture, point-N-alt (blank rows are skipped)."""
    points, errors = [], {}
    for n in range(count):
        text = " ".join(str(form.get(f"point-{n}-text", "") or "").split())
        picture = str(form.get(f"point-{n}-picture", "") or "").strip()
        alt = " ".join(str(form.get(f"point-{n}-alt", "") or "").split())
        if not text:
            if picture or alt:
                errors[f"point-{n}-text"] = f"Point {n + 1}: write the sentence that goes with the picture."
            continue
        if len(text) > MAX_POINT:
            errors[f"point-{n}-text"] = (
                f"Point {n + 1}: keep it to {MAX_POINT} characters; Easy Read uses short sentences."
            )
        elif any(len(s.split()) > LONG_SENTENCE_WORDS for s in re.split(r"[.!?]+", text)):
            errors[f"point-{n}-text"] = (
                f"Point {n + 1}: a sentence has more than {LONG_SENTENCE_WORDS} words. Split it into shorter ones."
            )
        if picture and picture not in PICTURES:
            errors[f"point-{n}-picture"] = f"Point {n + 1}: choose one of the pictures."
        if picture and not alt:
            errors[f"point-{n}-alt"] = f"Point {n + 1}: say what the picture shows (alt text)."
        if len(alt) > 150:
            errors[f"point-{n}-alt"] = f"Point {n + 1}: keep the alt text to 150 characters."
        points.append(
            {"text": text, "picture": picture if picture in PICTURES else "", "alt": alt if picture else ""}
        )
    if errors:
        raise ValidationFailed(errors)
    return points


def save(
    session: Session, *, actor_id: int | None, target_type: str, target_id: int, points: list[dict]
) -> None:
    """Replace the Easy Read text of one part; no points removes it (pages fall back to the standard)."""
    _check_target(session, target_type, target_id)
    found = session.exec(
        select(EasyRead).where(EasyRead.target_type == target_type, EasyRead.target_id == target_id)
    ).first()
    before = list(found.points) if found else []
    if not points:
        if found is not None:
            session.delete(found)
    else:
        found = found or EasyRead(target_type=target_type, target_id=target_id)
        found.points, found.updated_by, found.updated_at = points, actor_id, utcnow()
        session.add(found)
    audit.record(
        session,
        actor_id=actor_id,
        action="save_easy_read",
        target_type=target_type,
        target_id=target_id,
        before={"points": len(before)},
        after={"points": len(points)},
    )


def earlier_points(session: Session, target_type: str, target_id: int) -> list[dict]:
    """A new draft's preamble starts from the latest published version's Easy Read (to edit, then save)."""
    if target_type != "preamble":
        return []
    latest = session.exec(
        select(DeclarationVersion)
        .where(col(DeclarationVersion.number).is_not(None), DeclarationVersion.id != target_id)
        .order_by(col(DeclarationVersion.number).desc())
    ).first()
    return list(((latest.snapshot or {}).get("easy_read") or {}).get("preamble", [])) if latest else []


def target_name(session: Session, target_type: str, target_id: int) -> str:
    return _check_target(session, target_type, target_id)


def snapshot_part(session: Session, declaration: DeclarationVersion, foundations: list[Foundation]) -> dict:
    """What a version freezes: the preamble's and each foundation's points (by slug)."""
    by_id = points_for(session, "foundation", [f.id for f in foundations])
    return {
        "preamble": points_of(session, "preamble", declaration.id),
        "foundations": {f.slug: by_id[f.id] for f in foundations if by_id.get(f.id)},
    }


def for_export(declaration: dict) -> dict:
    """The snapshot with every Easy Read picture's SVG text inlined (exports read no files of crowd)."""
    frozen = declaration.get("easy_read") or {}

    def inline(points: list[dict]) -> list[dict]:
        return [{**p, "svg": picture_svg(p.get("picture", ""))} for p in points]

    return {
        **declaration,
        "easy_read": {
            "preamble": inline(frozen.get("preamble", [])),
            "foundations": {slug: inline(ps) for slug, ps in frozen.get("foundations", {}).items()},
        },
    }


def overview(session: Session, *, draft: DeclarationVersion | None) -> dict:
    """Every part that can have an Easy Read text, with whether it has one: workshop sections, the
    current draft's preamble (``draft``, from versions.current_draft), and the foundations."""
    from crowd.models import Workshop

    workshops = list(session.exec(select(Workshop).order_by(col(Workshop.id))))
    sections = list(session.exec(select(Section).order_by(Section.workshop_id, Section.position, Section.id)))
    foundations = list(session.exec(select(Foundation).order_by(Foundation.position, Foundation.id)))
    done = {(row.target_type, row.target_id) for row in session.exec(select(EasyRead))}
    return {
        "workshops": [(w, [s for s in sections if s.workshop_id == w.id]) for w in workshops],
        "draft": draft,
        "foundations": foundations,
        "done": done,
    }
