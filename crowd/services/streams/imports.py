"""Import focus-group notes and literature excerpts: preview, confirm (all or nothing), undo.

`prepare` parses and checks a file and keeps the result server-side as an ImportBatch in "preview";
`confirm` stores exactly those rows as contributions in one transaction, or nothing; `undo` hides a
batch's contributions. The same file (by SHA-256) is imported into a workshop at most once at a time.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from crowd.models import (
    CareRole,
    Contribution,
    ContributionKind,
    ContributionStatus,
    ImportBatch,
    ImportStatus,
    Stream,
    Workshop,
)
from crowd.models._base import utcnow
from crowd.services import audit
from crowd.services.boroughs import BOROUGHS
from crowd.services.errors import Conflict, DomainError, NotFound
from crowd.services.masking import mask_personal_data
from crowd.services.streams.readers import Cell, RawTable, read_upload

MAX_TEXT = 2000
IMPORT_STREAMS = (Stream.FOCUS_GROUP, Stream.LITERATURE)
REQUIRED = ("date", "source_ref", "text")
FIELD_NAMES = {
    "stream": "stream",
    "date": "date",
    "source_ref": "group or source reference",
    "role": "participant role",
    "borough": "borough",
    "text": "text",
}
HEADER_ALIASES = {
    "stream": {"stream", "source type", "type", "data stream"},
    "date": {"date", "session date", "date of session", "when", "published", "publication date", "year"},
    "source_ref": {
        "group", "source", "source ref", "source reference", "reference", "focus group", "group name",
        "group or source", "group or source reference", "citation", "session",
    },
    "role": {"role", "participant role", "participant type", "care role"},
    "borough": {"borough", "london borough", "area", "location"},
    "text": {"text", "note", "notes", "comment", "comments", "excerpt", "quote", "content", "what was said"},
}  # fmt: skip
STREAM_ALIASES = {
    "focus group": Stream.FOCUS_GROUP, "focus groups": Stream.FOCUS_GROUP, "fg": Stream.FOCUS_GROUP,
    "literature": Stream.LITERATURE, "literature review": Stream.LITERATURE, "lit": Stream.LITERATURE,
    "review": Stream.LITERATURE,
}  # fmt: skip
ROLE_ALIASES = {
    "staff": CareRole.STAFF, "health and care staff": CareRole.STAFF, "professional": CareRole.STAFF,
    "service user": CareRole.SERVICE_USER, "patient": CareRole.SERVICE_USER,
    "carer": CareRole.CARER, "unpaid carer": CareRole.CARER, "other": CareRole.OTHER,
}  # fmt: skip
DATE_FORMATS = (
    "%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y", "%d %B %y",
    "%d %b %y", "%B %d, %Y", "%b %d, %Y", "%B %Y", "%b %Y", "%Y-%m", "%Y", "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M",
)  # fmt: skip
_BOROUGHS = {b.lower().replace("&", "and"): b for b in BOROUGHS}
_ORDINAL = re.compile(r"(?<=\d)(st|nd|rd|th)\b", re.IGNORECASE)


def _key(raw: str) -> str:
    return " ".join(raw.replace("\ufeff", "").replace("_", " ").replace("-", " ").lower().split())


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    return str(cell).replace("\r\n", "\n").strip()


def parse_date(cell: Cell) -> date | None:
    """A date from an XLSX cell or a string in a common UK or ISO format; None when it is not a date."""
    if isinstance(cell, datetime):
        return cell.date()
    raw = _ORDINAL.sub("", " ".join(_text(cell).replace(",", ", ").split())).replace(" ,", ",")
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(raw, pattern).date()  # noqa: DTZ007 - a calendar date, no time zone
        except ValueError:
            continue
    return None


def parse_stream(raw: str) -> Stream | None:
    key = _key(raw)
    if key.replace(" ", "_") in {s.value for s in IMPORT_STREAMS}:
        return Stream(key.replace(" ", "_"))
    return STREAM_ALIASES.get(key)


def parse_role(raw: str) -> CareRole | None:
    return ROLE_ALIASES.get(_key(raw))


def parse_borough(raw: str) -> str | None:
    return _BOROUGHS.get(" ".join(raw.lower().replace("&", "and").split()))


@dataclass
class Preview:
    """What a file would import: good rows (as stored), problems per line, and how it was read."""

    rows: list[dict]
    problems: list[dict]
    encoding: str
    file_format: str


def _columns(table: RawTable, default_stream: Stream | None) -> dict[str, str]:
    """Map each field to the file's header for it; refuse a file that lacks a needed column."""
    found: dict[str, str] = {}
    for header in table.headers:
        for name, aliases in HEADER_ALIASES.items():
            if _key(header) in aliases and name not in found:
                found[name] = header
    needed = [*(() if default_stream else ("stream",)), *REQUIRED]
    missing = [FIELD_NAMES[name] for name in needed if name not in found]
    if missing:
        seen = ", ".join(h for h in table.headers if h) or "none"
        hint = " (or choose a stream in the form)" if "stream" in missing else ""
        raise DomainError(
            f"The file has no column for: {', '.join(missing)}{hint}. Its first row has: {seen}.",
            field="file",
        )
    return found


def check_table(table: RawTable, *, default_stream: Stream | None) -> Preview:
    columns = _columns(table, default_stream)
    rows: list[dict] = []
    problems: list[dict] = []
    for raw in table.rows:
        values = {name: _text(raw.values.get(header)) for name, header in columns.items()}
        if not any(values.values()):
            continue  # a blank line: skipped silently
        row, row_problems = _check_row(values, raw.values.get(columns["date"]), default_stream)
        if row_problems:
            problems.extend({"line": raw.line, "message": message} for message in row_problems)
        else:
            rows.append({"line": raw.line, **row})
    if not rows and not problems:
        raise DomainError("That file has no notes in it.", field="file")
    return Preview(rows, problems, table.encoding, table.file_format)


def _check_row(
    values: dict[str, str], date_cell: Cell, default_stream: Stream | None
) -> tuple[dict, list[str]]:
    problems: list[str] = []
    stream = default_stream
    if values.get("stream"):
        stream = parse_stream(values["stream"])
        if stream is None:
            problems.append(f"The stream “{values['stream'][:40]}” is not focus group or literature.")
    elif stream is None:
        problems.append("The stream is missing (focus group or literature).")
    text = values["text"]
    if not text:
        problems.append("The text is missing.")
    elif len(text) > MAX_TEXT:
        problems.append(f"The text is {len(text):,} characters: the limit is {MAX_TEXT:,}.")
    when = parse_date(date_cell) if values["date"] else None
    if not values["date"]:
        problems.append("The date is missing.")
    elif when is None:
        problems.append(
            f"The date “{values['date'][:40]}” is not a date (write it like 2024-05-03 or 3/5/2024)."
        )
    if not values["source_ref"]:
        problems.append("The group or source reference is missing.")
    elif len(values["source_ref"]) > 300:
        problems.append("The group or source reference is longer than 300 characters.")
    role = parse_role(values["role"]) if values.get("role") else None
    if values.get("role") and role is None:
        problems.append(f"The role “{values['role'][:40]}” is not one of: staff, service user, carer, other.")
    borough = parse_borough(values["borough"]) if values.get("borough") else None
    if values.get("borough") and borough is None:
        problems.append(
            f"The borough “{values['borough'][:40]}” is not a London borough or “Outside London”."
        )
    if problems:
        return {}, problems
    masking = mask_personal_data(text)
    row = {
        "stream": stream.value if stream else None,
        "date": when.isoformat() if when else None,
        "source_ref": values["source_ref"],
        "role": role.value if role else None,
        "borough": borough,
        "text": masking.text,
        "masked": ",".join(masking.kinds),
    }
    return row, []


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def imported_batch(session: Session, *, workshop_id: int, sha256: str) -> ImportBatch | None:
    return session.exec(
        select(ImportBatch).where(
            ImportBatch.workshop_id == workshop_id, ImportBatch.imported_sha256 == sha256
        )
    ).first()


def _refuse_repeat(session: Session, *, workshop_id: int, sha256: str) -> None:
    earlier = imported_batch(session, workshop_id=workshop_id, sha256=sha256)
    if earlier is not None:
        when = earlier.imported_at.strftime("%-d %b %Y") if earlier.imported_at else ""
        raise Conflict(
            f"This file was already imported as batch #{earlier.id} ({earlier.filename}, {when}, "
            f"{earlier.note_count} notes). Nothing was imported again. Undo batch #{earlier.id} first "
            "if you want to replace it.",
            field="file",
        )


def prepare(
    session: Session,
    *,
    workshop_id: int,
    filename: str,
    data: bytes,
    default_stream: Stream | None,
    actor_id: int | None,
) -> ImportBatch:
    """Read and check a file and keep the result as a preview batch; nothing is imported yet."""
    if default_stream is not None and default_stream not in IMPORT_STREAMS:
        raise DomainError("Imports are focus group notes or literature excerpts.", field="stream")
    if session.get(Workshop, workshop_id) is None:
        raise NotFound("No such workshop.")
    sha256 = sha256_of(data)
    _refuse_repeat(session, workshop_id=workshop_id, sha256=sha256)
    preview = check_table(read_upload(filename=filename, data=data), default_stream=default_stream)
    stale = select(ImportBatch).where(
        ImportBatch.workshop_id == workshop_id,
        ImportBatch.sha256 == sha256,
        ImportBatch.status == ImportStatus.PREVIEW,
    )
    for earlier_preview in session.exec(stale):
        session.delete(earlier_preview)
    batch = ImportBatch(
        workshop_id=workshop_id,
        filename=(filename or "upload").rsplit("/", 1)[-1][:200],
        sha256=sha256,
        file_format=preview.file_format,
        encoding=preview.encoding,
        default_stream=default_stream.value if default_stream else None,
        rows=preview.rows,
        problems=preview.problems,
        note_count=len(preview.rows),
        created_by=actor_id,
    )
    session.add(batch)
    session.flush()
    return batch


def get_batch(session: Session, batch_id: int) -> ImportBatch:
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFound("No such import.")
    return batch


def confirm(session: Session, *, batch_id: int, actor_id: int | None) -> ImportBatch:
    """Store every row of a clean preview as a note, in the caller's one transaction; or refuse."""
    batch = get_batch(session, batch_id)
    if batch.status != ImportStatus.PREVIEW:
        raise Conflict(f"Batch #{batch.id} is already {batch.status.value}.")
    if batch.problems:
        raise DomainError(
            f"This file has {len(batch.problems)} problem(s). Nothing was imported: fix them in the file "
            "and upload it again."
        )
    _refuse_repeat(session, workshop_id=batch.workshop_id, sha256=batch.sha256)
    for row in batch.rows:
        session.add(
            Contribution(
                workshop_id=batch.workshop_id,
                kind=ContributionKind.NOTE,
                stream=Stream(row["stream"]),
                text=row["text"],
                masked=row.get("masked", ""),
                source_ref=row["source_ref"],
                source_date=datetime.fromisoformat(row["date"]).replace(tzinfo=UTC) if row["date"] else None,
                source_role=row.get("role"),
                source_borough=row.get("borough"),
                batch_id=batch.id,
            )
        )
    batch.status = ImportStatus.IMPORTED
    batch.imported_sha256 = batch.sha256
    batch.imported_at = utcnow()
    session.add(batch)
    audit.record(
        session,
        actor_id=actor_id,
        action="import.confirm",
        target_type="import_batch",
        target_id=batch.id,
        after={"filename": batch.filename, "notes": batch.note_count, "sha256": batch.sha256},
    )
    session.flush()
    return batch


def undo(session: Session, *, batch_id: int, actor_id: int | None) -> ImportBatch:
    """Hide every note of an imported batch and free its file to be imported again."""
    batch = get_batch(session, batch_id)
    if batch.status != ImportStatus.IMPORTED:
        raise Conflict(f"Only an imported batch can be undone; batch #{batch.id} is {batch.status.value}.")
    now = utcnow()
    hidden = session.exec(
        update(Contribution)
        .where(col(Contribution.batch_id) == batch.id, col(Contribution.workshop_id) == batch.workshop_id)
        .values(status=ContributionStatus.HIDDEN, withdrawn_at=now, updated_at=now)
    ).rowcount
    batch.status = ImportStatus.UNDONE
    batch.imported_sha256 = None
    batch.undone_at = now
    session.add(batch)
    audit.record(
        session,
        actor_id=actor_id,
        action="import.undo",
        target_type="import_batch",
        target_id=batch.id,
        before={"status": "imported", "notes": batch.note_count},
        after={"status": "undone", "hidden": hidden},
    )
    session.flush()
    return batch


def discard(session: Session, *, batch_id: int) -> None:
    """Forget a preview that will not be imported."""
    batch = get_batch(session, batch_id)
    if batch.status != ImportStatus.PREVIEW:
        raise Conflict("Only a preview can be discarded; undo an imported batch instead.")
    session.delete(batch)


def list_batches(session: Session, *, workshop_id: int | None = None, limit: int = 100) -> list[ImportBatch]:
    query = select(ImportBatch).where(ImportBatch.status != ImportStatus.PREVIEW)
    if workshop_id is not None:
        query = query.where(ImportBatch.workshop_id == workshop_id)
    return list(session.exec(query.order_by(col(ImportBatch.id).desc()).limit(limit)))


def notes_of(session: Session, *, batch_id: int, limit: int = 500) -> list[Contribution]:
    query = select(Contribution).where(Contribution.batch_id == batch_id).order_by(col(Contribution.id))
    return list(session.exec(query.limit(limit)))
