"""Run an export and audit it: the poster, the declaration document, the data zip, the engagement report.

The web pages and the CLI both come through here. Each export reads in one read session (the data
zip streams its rows while the session is open), renders with the pure ``exports`` package, and then
records who exported what, when and how, in a short write session: on SQLite the write lock is never
held while a file is being rendered. These functions take the ``Database`` rather than a session for
that reason.

Full data exports (names and emails) are for admins only; the CLI, which has the database already,
may make them too. Every export is audited, including those refused for want of the admin role.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from sqlmodel import Session

from crowd.db import Database
from crowd.models import Access, Participant, Workshop
from crowd.services import audit
from crowd.services.declaration import easy_read
from crowd.services.declaration import versions as declarations
from crowd.services.errors import DomainError, Forbidden, NotFound, ValidationFailed
from crowd.services.exports import data
from crowd.settings import Settings
from exports import document as document_renderer
from exports import poster as poster_renderer
from exports import report as report_renderer
from exports.data import DataExportSummary, QuasiIdentifiers, write_data_zip
from exports.errors import ExportError
from exports.suppression import DEFAULT_THRESHOLD

PAPERS = ("a3", "a4")
POSTER_FORMATS = ("pdf", "png")
DOCUMENT_FORMATS = ("pdf", "docx", "md")
REPORT_FORMATS = ("html", "pdf")
THEMES = tuple(poster_renderer.THEMES)
THEME_LABELS = {"nhs-blue": "NHS blue", "warm": "Warm", "high-contrast": "High contrast (black and navy)"}
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "zip": "application/zip",
    "html": "text/html; charset=utf-8",
}

Progress = Callable[[str, int], None]


class ExportKind(StrEnum):
    POSTER = "poster"
    DOCUMENT = "document"
    DATA = "data"
    REPORT = "report"


@dataclass(frozen=True)
class PosterOptions:
    version: int | None = None  # the latest published version when None
    paper: str = "a3"
    theme: str = "nhs-blue"
    fmt: str = "pdf"
    draft: bool = False  # the current draft, watermarked DRAFT (moderators and leads only)
    easy_read: bool = False  # the Easy Read points instead of the standard text


@dataclass(frozen=True)
class DocumentOptions:
    version: int | None = None
    fmt: str = "pdf"
    easy_read: bool = False


@dataclass(frozen=True)
class DataOptions:
    workshop_id: int | None = None  # every workshop when None
    full: bool = False


@dataclass(frozen=True)
class ReportOptions:
    workshop_id: int | None = None
    fmt: str = "pdf"


@dataclass
class ExportFile:
    """A finished export: in memory (``body``) or, for the data zip, a temporary file (``path``)."""

    filename: str
    media_type: str
    body: bytes | None = None
    path: Path | None = None
    details: dict = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.body) if self.body is not None else (self.path.stat().st_size if self.path else 0)

    def discard(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)


# --- reading the forms -----------------------------------------------------------------------------


def _choice(raw: object, allowed: tuple[str, ...], field_name: str, message: str, errors: dict) -> str:
    value = str(raw or "").strip().lower()
    if value not in allowed:
        errors[field_name] = message
    return value


def _number(raw: object, field_name: str, message: str, errors: dict) -> int | None:
    text = str(raw or "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        errors[field_name] = message
        return None
    return int(text)


def poster_options(form: Mapping[str, object]) -> PosterOptions:
    errors: dict[str, str] = {}
    options = PosterOptions(
        version=_number(form.get("version"), "version", "Choose a published version", errors),
        paper=_choice(form.get("paper") or "a3", PAPERS, "paper", "Choose A3 or A4 paper", errors),
        theme=_choice(form.get("theme") or "nhs-blue", THEMES, "theme", "Choose a colour theme", errors),
        fmt=_choice(form.get("format") or "pdf", POSTER_FORMATS, "format", "Choose PDF or PNG", errors),
        easy_read=form.get("easy_read") == "yes",
    )
    if errors:
        raise ValidationFailed(errors)
    return options


def document_options(form: Mapping[str, object]) -> DocumentOptions:
    errors: dict[str, str] = {}
    options = DocumentOptions(
        version=_number(form.get("doc_version"), "doc_version", "Choose a published version", errors),
        fmt=_choice(
            form.get("doc_format") or "pdf",
            DOCUMENT_FORMATS,
            "doc_format",
            "Choose PDF, DOCX or Markdown",
            errors,
        ),
        easy_read=form.get("doc_easy_read") == "yes",
    )
    if errors:
        raise ValidationFailed(errors)
    return options


def data_options(form: Mapping[str, object]) -> DataOptions:
    errors: dict[str, str] = {}
    workshop_id = _number(form.get("workshop"), "workshop", "Choose a workshop, or all workshops", errors)
    mode = _choice(
        form.get("mode") or "anonymised", ("anonymised", "full"), "mode", "Choose anonymised or full", errors
    )
    if errors:
        raise ValidationFailed(errors)
    return DataOptions(workshop_id=workshop_id, full=mode == "full")


def report_options(form: Mapping[str, object]) -> ReportOptions:
    errors: dict[str, str] = {}
    workshop_id = _number(
        form.get("report_workshop"), "report_workshop", "Choose a workshop, or all workshops", errors
    )
    fmt = _choice(
        form.get("report_format") or "pdf", REPORT_FORMATS, "report_format", "Choose HTML or PDF", errors
    )
    if errors:
        raise ValidationFailed(errors)
    return ReportOptions(workshop_id=workshop_id, fmt=fmt)


# --- running them ----------------------------------------------------------------------------------


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d")


def _record(db: Database, *, actor: Participant | None, kind: ExportKind, target_id: int | None,
            details: dict, via: str) -> None:  # fmt: skip
    with db.write() as session:
        audit.record(
            session,
            actor_id=actor.id if actor else None,
            action=f"export_{kind.value}",
            target_type="declaration" if kind in (ExportKind.POSTER, ExportKind.DOCUMENT) else "workshop",
            target_id=target_id,
            after={**details, "via": via},
        )


def _declaration(session: Session, *, version: int | None, field_name: str) -> tuple[dict, int | None]:
    """The frozen snapshot of a published version; a draft or unknown number is refused."""
    try:
        row = declarations.published_version(session, version)
    except NotFound:
        message = (
            f"Version {version} has not been published: only published versions can be exported."
            if version
            else "No declaration has been published yet: publish one before exporting it."
        )
        raise DomainError(message, field=field_name) from None
    if not row.snapshot:
        raise DomainError("That version has no frozen text to export.", field=field_name)
    return dict(row.snapshot), row.id


def export_poster(
    db: Database, *, settings: Settings, actor: Participant | None, options: PosterOptions, via: str = "web"
) -> ExportFile:
    """The poster of a published version, or of the draft (watermarked DRAFT) for moderators and leads."""
    with db.read() as session:
        if options.draft:
            if actor is not None and not actor.access.allows(Access.MODERATOR):
                raise Forbidden("Only the design group can print the draft.")
            declaration, target_id = data.draft_declaration(session, base_url=settings.base_url), None
        else:
            declaration, target_id = _declaration(session, version=options.version, field_name="version")
    try:
        body = poster_renderer.render_poster(
            declaration=declaration,
            paper=options.paper,  # type: ignore[arg-type]  # checked against the Literal's values where the value was parsed
            theme=options.theme,
            fmt=options.fmt,  # type: ignore[arg-type]  # checked against the Literal's values where the value was parsed
            draft="watermark" if options.draft else "refuse",
            easy_read=options.easy_read,
        )
    except ExportError as error:
        raise DomainError(str(error)) from error
    label = "DRAFT" if options.draft else f"v{declaration['version']}"
    label += "-easy-read" if options.easy_read else ""
    filename = f"declaration-{label}-poster-{options.paper}.{options.fmt}"
    details = {"filename": filename, "version": None if options.draft else declaration["version"],
               "draft": options.draft, "paper": options.paper, "theme": options.theme, "format": options.fmt}  # fmt: skip
    _record(db, actor=actor, kind=ExportKind.POSTER, target_id=target_id, details=details, via=via)
    return ExportFile(filename=filename, media_type=MEDIA_TYPES[options.fmt], body=body, details=details)


def public_poster(db: Database, *, number: int, fmt: str) -> ExportFile:
    """The poster anyone may download from the public page: published versions only, never a draft."""
    if fmt not in POSTER_FORMATS:
        raise NotFound("There is no poster in that format.")
    with db.read() as session:
        declaration = data.published_declaration(session, number=number)
    body = poster_renderer.render_poster(declaration=declaration, fmt=fmt, draft="refuse")  # type: ignore[arg-type]  # checked against the Literal's values where the value was parsed
    return ExportFile(
        filename=f"declaration-v{number}-poster-a3.{fmt}", media_type=MEDIA_TYPES[fmt], body=body
    )


def export_document(
    db: Database, *, actor: Participant | None, options: DocumentOptions, via: str = "web"
) -> ExportFile:
    with db.read() as session:
        declaration, target_id = _declaration(session, version=options.version, field_name="doc_version")
    if options.easy_read:
        declaration = easy_read.for_export(declaration)
    body = document_renderer.render_document(
        declaration=declaration,  # type: ignore[arg-type]  # a frozen version is the Declaration the renderers take
        fmt=options.fmt,  # type: ignore[arg-type]  # checked against the Literal's values where the value was parsed
        easy_read=options.easy_read,
    )
    suffix = "-easy-read" if options.easy_read else ""
    filename = f"declaration-v{declaration['version']}{suffix}.{options.fmt}"
    details = {"filename": filename, "version": declaration["version"], "format": options.fmt,
               "easy_read": options.easy_read}  # fmt: skip
    _record(db, actor=actor, kind=ExportKind.DOCUMENT, target_id=target_id, details=details, via=via)
    return ExportFile(filename=filename, media_type=MEDIA_TYPES[options.fmt], body=body, details=details)


def _workshop(session: Session, workshop_id: int | None, field_name: str) -> Workshop | None:
    if workshop_id is None:
        return None
    workshop = session.get(Workshop, workshop_id)
    if workshop is None:
        raise DomainError("There is no such workshop.", field=field_name)
    return workshop


def export_data(
    db: Database,
    *,
    settings: Settings,
    actor: Participant | None,
    options: DataOptions,
    out: Path | None = None,
    progress: Progress | None = None,
    via: str = "web",
) -> tuple[ExportFile, DataExportSummary]:
    """Write the data zip to ``out`` (a new temporary file when None), streaming every table.

    A full export by anyone but an admin is refused (and the refusal audited).
    """
    if options.full and not data.may_export_full(actor):
        _record(db, actor=actor, kind=ExportKind.DATA, target_id=options.workshop_id,
                details={"full": True, "refused": "admins only"}, via=via)  # fmt: skip
        raise Forbidden("Only admins can export full data with names and emails. Export it anonymised.")
    if out is None:
        handle, name = tempfile.mkstemp(prefix="crowd-export-", suffix=".zip")
        os.close(handle)
        out = Path(name)
    try:
        with db.read() as session:
            workshop = _workshop(session, options.workshop_id, "workshop")
            summary = write_data_zip(
                snapshot=data.data_snapshot(session, workshop_id=options.workshop_id, full=options.full),
                out=out,
                anonymise=not options.full,
                secret=None if options.full else data.pseudonym_secret(settings),
                column_descriptions=data.COLUMN_DESCRIPTIONS,
                group_sizes=data.group_sizes(session, workshop_id=options.workshop_id),
                quasi_identifiers={
                    "contributions": QuasiIdentifiers(
                        data.QUASI_IDENTIFIERS,
                        data.quasi_identifier_sizes(session, workshop_id=options.workshop_id),
                    )
                },
                threshold=settings.small_cell_threshold,
                progress=progress,
            )
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    scope = workshop.slug if workshop else "all-workshops"
    filename = f"declaration-data-{scope}-{'FULL' if options.full else 'anonymised'}-{_stamp()}.zip"
    details = {"filename": filename, "workshop": scope, "full": options.full, "anonymised": not options.full,
               "rows": dict(summary.rows)}  # fmt: skip
    _record(db, actor=actor, kind=ExportKind.DATA, target_id=options.workshop_id, details=details, via=via)
    return ExportFile(filename=filename, media_type=MEDIA_TYPES["zip"], path=out, details=details), summary


def report_figures(db: Database, *, workshop_id: int | None, threshold: int = DEFAULT_THRESHOLD) -> dict:
    """The report's figures, with the small-cell threshold (SMALL_CELL_THRESHOLD) its tables suppress by."""
    with db.read() as session:
        _workshop(session, workshop_id, "report_workshop")
        figures = data.engagement_report(session, workshop_id=workshop_id)
    figures["small_cell_threshold"] = threshold
    return figures


def export_report(
    db: Database,
    *,
    actor: Participant | None,
    options: ReportOptions,
    via: str = "web",
    threshold: int = DEFAULT_THRESHOLD,
) -> ExportFile:
    """The engagement report as HTML or PDF (the app's own page is ``report_page``)."""
    report = report_figures(db, workshop_id=options.workshop_id, threshold=threshold)
    body = report_renderer.render_report(report=report, fmt=options.fmt)  # type: ignore[arg-type]  # checked against the Literal's values where the value was parsed
    filename = f"engagement-report-{_stamp()}.{options.fmt}"
    details = {"filename": filename, "workshop_id": options.workshop_id, "format": options.fmt}
    _record(db, actor=actor, kind=ExportKind.REPORT, target_id=options.workshop_id, details=details, via=via)
    return ExportFile(filename=filename, media_type=MEDIA_TYPES[options.fmt], body=body, details=details)


def report_page(
    db: Database, *, actor: Participant, workshop_id: int | None, threshold: int = DEFAULT_THRESHOLD
) -> tuple[dict, list]:
    """The report's figures and sections (chart and table) for the page shown in the app; audited."""
    report = report_figures(db, workshop_id=workshop_id, threshold=threshold)
    sections = report_renderer.report_sections(report)  # type: ignore[arg-type]  # checked against the Literal's values where the value was parsed
    _record(db, actor=actor, kind=ExportKind.REPORT, target_id=workshop_id,
            details={"workshop_id": workshop_id, "format": "page"}, via="web")  # fmt: skip
    return report, sections
