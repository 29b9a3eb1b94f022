"""Leads import focus-group notes and literature excerpts: upload, preview, confirm, undo."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from crowd.models import Access, ImportStatus, Stream
from crowd.security import form_of, guard
from crowd.services.errors import DomainError
from crowd.services.streams import imports
from crowd.services.streams.readers import MAX_BYTES, too_large_message
from crowd.services.workshop import workshops
from crowd.templating import flash, render
from crowd.web.params import integer

PREVIEW_ROWS = 200


def _upload_context(session, *, form: dict | None = None, errors: dict | None = None) -> dict:
    items = workshops.list_workshops(session, include_drafts=True)
    return {
        "workshops": items,
        "batches": imports.list_batches(session),
        "streams": [(s.value, s.label) for s in imports.IMPORT_STREAMS],
        "form": form or {},
        "errors": errors or {},
        "workshop_titles": {w.id: w.title for w in items},
    }


@guard(Access.LEAD)
def upload_form(request: Request) -> Response:
    with request.app.state.db.read() as session:
        form = {"workshop_id": request.query_params.get("workshop", "")}
        return render(request, "imports/upload.html", _upload_context(session, form=form))


def _read_upload(upload: object) -> tuple[str, bytes]:
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise DomainError("Choose a file to import.", field="file")
    size = upload.size if upload.size is not None else 0
    if size > MAX_BYTES:
        raise DomainError(too_large_message(size), field="file")
    data = upload.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise DomainError(too_large_message(len(data)), field="file")
    return upload.filename, data


@guard(Access.LEAD, write=True)
def upload(request: Request) -> Response:
    data = form_of(request)
    form = {"workshop_id": str(data.get("workshop_id", "")), "stream": str(data.get("stream", ""))}
    try:
        workshop_id = integer(form["workshop_id"])
        if workshop_id is None:
            raise DomainError("Choose the workshop these notes belong to.", field="workshop_id")
        stream = None
        if form["stream"]:
            stream = imports.parse_stream(form["stream"])
            if stream is None:
                raise DomainError("Choose focus group or literature.", field="stream")
        filename, content = _read_upload(data.get("file"))
        with request.app.state.db.write() as session:
            batch = imports.prepare(
                session,
                workshop_id=workshop_id,
                filename=filename,
                data=content,
                default_stream=stream,
                actor_id=request.state.user.id,
            )
    except DomainError as error:
        with request.app.state.db.read() as session:
            context = _upload_context(session, form=form, errors={error.field or "file": error.message})
        return render(request, "imports/upload.html", context, status_code=error.status_code)
    return RedirectResponse(f"/manage/imports/{batch.id}", status_code=303)


@guard(Access.LEAD)
def batch_page(request: Request) -> Response:
    with request.app.state.db.read() as session:
        batch = imports.get_batch(session, request.path_params["batch_id"])
        workshop = workshops.workshop_by_id(session, batch.workshop_id)
        notes = imports.notes_of(session, batch_id=batch.id) if batch.status != ImportStatus.PREVIEW else []
    context = {
        "batch": batch,
        "workshop": workshop,
        "rows": batch.rows[:PREVIEW_ROWS],
        "more_rows": max(0, len(batch.rows) - PREVIEW_ROWS),
        "notes": notes,
        "stream_labels": {s.value: s.label for s in Stream},
    }
    return render(request, "imports/batch.html", context)


def _act(request: Request, action, done: str) -> Response:
    batch_id = request.path_params["batch_id"]
    try:
        with request.app.state.db.write() as session:
            action(session, batch_id=batch_id, actor_id=request.state.user.id)
    except DomainError as error:
        if error.status_code == 404:
            raise
        flash(request, error.message, "warning")
        return RedirectResponse(f"/manage/imports/{batch_id}", status_code=303)
    flash(request, done)
    return RedirectResponse(f"/manage/imports/{batch_id}", status_code=303)


@guard(Access.LEAD, write=True)
def confirm(request: Request) -> Response:
    return _act(request, imports.confirm, "Imported. The notes are now part of the workshop.")


@guard(Access.LEAD, write=True)
def undo(request: Request) -> Response:
    return _act(
        request, imports.undo, "Batch undone: its notes are hidden and the file can be imported again."
    )


@guard(Access.LEAD, write=True)
def discard(request: Request) -> Response:
    batch_id = request.path_params["batch_id"]
    try:
        with request.app.state.db.write() as session:
            imports.discard(session, batch_id=batch_id)
    except DomainError as error:
        if error.status_code == 404:
            raise
        flash(request, error.message, "warning")
        return RedirectResponse(f"/manage/imports/{batch_id}", status_code=303)
    flash(request, "Preview discarded. Nothing was imported.")
    return RedirectResponse("/manage/imports", status_code=303)
