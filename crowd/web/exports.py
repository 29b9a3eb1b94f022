"""Exports for network leads: the poster, the declaration document, the data zip and the engagement report.

Every download is a POST from the exports page (CSRF-checked, rate-limited, audited). The data zip is
written to a temporary file first and then sent from disk by Starlette's FileResponse, so a 10,000-row
export never sits in memory and a failure shows an error page rather than a truncated file.
"""

from __future__ import annotations

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.types import Receive, Scope, Send

from crowd.models import Access
from crowd.security import PUBLIC, form_of, guard
from crowd.services.declaration import versions as declarations
from crowd.services.errors import DomainError, ValidationFailed
from crowd.services.exports import run as exports
from crowd.services.workshop import workshops
from crowd.templating import is_htmx, render


def _workshop_choices(session) -> list[tuple[int, str]]:
    return workshops.choices(session)


def _choices(request: Request) -> dict:
    with request.app.state.db.read() as session:
        versions = declarations.published_versions(session)
        workshops = _workshop_choices(session)
        draft = declarations.current_draft(session)
    return {
        "versions": [
            (v.number, f"Version {v.number}" + (f", {v.published_at:%-d %b %Y}" if v.published_at else ""))
            for v in versions
        ],  # fmt: skip
        "workshops": workshops,
        "has_draft": draft is not None,
        "papers": [("a3", "A3 (297 x 420 mm)"), ("a4", "A4 (210 x 297 mm)")],
        "poster_formats": [("pdf", "PDF, for printing"), ("png", "PNG picture, for sharing")],
        "themes": [(key, exports.THEME_LABELS.get(key, key)) for key in exports.THEMES],
        "document_formats": [("pdf", "PDF"), ("docx", "Word (DOCX)"), ("md", "Markdown")],
        "report_formats": [("pdf", "PDF"), ("html", "HTML file")],
        "is_admin": request.state.user.access == Access.ADMIN,
    }


def _page(request: Request, *, values: dict | None = None, errors: dict | None = None, status: int = 200):
    context = {**_choices(request), "values": values or {}, "errors": errors or {}}
    return render(request, "exports/index.html", context, status_code=status)


class TemporaryFileResponse(FileResponse):
    """Starlette's FileResponse for a finished temporary file, deleted afterwards (also when the client
    goes away half way)."""

    def __init__(self, export: exports.ExportFile) -> None:
        assert export.path is not None
        super().__init__(export.path, media_type=export.media_type, filename=export.filename)
        self.export = export

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.export.discard()


def _attachment(export: exports.ExportFile) -> Response:
    if export.body is None:
        return TemporaryFileResponse(export)
    headers = {"Content-Disposition": f'attachment; filename="{export.filename}"'}
    return Response(export.body, media_type=export.media_type, headers=headers)


def _refused(request: Request, error: DomainError) -> Response:
    """A form problem: the exports page again, with the message beside the field, status 400.

    Refusals that are not about the form (403 for a full export without the admin role) raise on.
    """
    if error.status_code != 400:
        raise error
    errors = (
        error.errors if isinstance(error, ValidationFailed) else {error.field or "exports": error.message}
    )
    return _page(request, values=dict(form_of(request)), errors=errors, status=400)


@guard(Access.LEAD)
def exports_page(request: Request) -> Response:
    return _page(request)


def _download(request: Request, parse, make) -> Response:
    """A download from the exports page: the form's options, the file made from them, or the page again
    with the message beside the field."""
    try:
        export = make(parse(form_of(request)))
    except (ValidationFailed, DomainError) as error:
        return _refused(request, error)
    return _attachment(export)


@guard(Access.LEAD, write=True)
def download_poster(request: Request) -> Response:
    db, settings, actor = request.app.state.db, request.app.state.settings, request.state.user
    return _download(
        request,
        exports.poster_options,
        lambda options: exports.export_poster(db, settings=settings, actor=actor, options=options),
    )


@guard(Access.MODERATOR)
def draft_poster(request: Request) -> Response:
    """The current draft's poster, watermarked DRAFT, for the design group (linked from the draft page)."""
    query = request.query_params
    options = exports.PosterOptions(
        paper=query.get("paper", "a3") if query.get("paper") in exports.PAPERS else "a3",
        theme=query.get("theme", "nhs-blue") if query.get("theme") in exports.THEMES else "nhs-blue",
        fmt="png" if query.get("format") == "png" else "pdf",
        draft=True,
    )
    export = exports.export_poster(
        request.app.state.db, settings=request.app.state.settings, actor=request.state.user, options=options
    )
    return _attachment(export)


@guard(PUBLIC)
def public_poster(request: Request) -> Response:
    """/exports/posters/<n>.pdf or .png: a published version's A3 poster for anyone; drafts are refused."""
    export = exports.public_poster(
        request.app.state.db, number=request.path_params["number"], fmt=request.path_params["fmt"]
    )
    response = _attachment(export)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@guard(Access.LEAD, write=True)
def download_document(request: Request) -> Response:
    db, actor = request.app.state.db, request.state.user
    return _download(
        request,
        exports.document_options,
        lambda options: exports.export_document(db, actor=actor, options=options),
    )


@guard(Access.LEAD, write=True)
def download_data(request: Request) -> Response:
    db, settings, actor = request.app.state.db, request.app.state.settings, request.state.user
    return _download(
        request,
        exports.data_options,
        lambda options: exports.export_data(db, settings=settings, actor=actor, options=options)[0],
    )


@guard(Access.LEAD, write=True)
def download_report(request: Request) -> Response:
    db, actor = request.app.state.db, request.state.user
    return _download(
        request,
        exports.report_options,
        lambda options: exports.export_report(
            db, actor=actor, options=options, threshold=request.app.state.settings.small_cell_threshold
        ),
    )


@guard(Access.LEAD)
def report_page(request: Request) -> Response:
    """The engagement report shown in the app; the workshop filter swaps #export-report over htmx."""
    raw = request.query_params.get("workshop", "")
    workshop_id = int(raw) if raw.isdigit() else None
    report, sections = exports.report_page(
        request.app.state.db,
        actor=request.state.user,
        workshop_id=workshop_id,
        threshold=request.app.state.settings.small_cell_threshold,
    )
    with request.app.state.db.read() as session:
        workshops = _workshop_choices(session)
    context = {
        "report": report,
        "key_figures": exports.report_renderer.key_figures(report),  # type: ignore[arg-type]  # checked against the Literal's values where the value was parsed
        # The SVGs are drawn by matplotlib, which escapes every label it writes.
        "sections": [(section, Markup(section.svg)) for section in sections],  # noqa: S704
        "workshop_id": workshop_id,
        "workshops": workshops,
    }
    if is_htmx(request):
        return render(request, "partials/export_report.html", context)
    return render(request, "exports/report.html", context)
