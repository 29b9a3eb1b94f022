"""Equality monitoring: a participant's own voluntary answers, and the leads' aggregate board with
reference shares (entered or uploaded) and a CSV of the suppressed tables."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from crowd.models import Access
from crowd.security import form_of, guard
from crowd.services.errors import DomainError, ValidationFailed
from crowd.services.exports import data as export_data
from crowd.services.people import monitoring
from crowd.templating import flash, render


def _form_page(request: Request, *, values: dict, errors: dict | None = None, status: int = 200) -> Response:
    context = {
        "questions": monitoring.QUESTIONS,
        "ethnic_groups": monitoring.ETHNIC_GROUPS,
        "values": values,
        "errors": errors or {},
    }
    return render(request, "participation/monitoring_form.html", context, status_code=status)


@guard(Access.PARTICIPANT)
def form(request: Request) -> Response:
    with request.app.state.db.read() as session:
        values = monitoring.download(session, participant_id=request.state.user.id) or {}
    return _form_page(request, values=values)


@guard(Access.PARTICIPANT, write=True)
def save(request: Request) -> Response:
    posted = form_of(request)
    if posted.get("action") == "delete":
        with request.app.state.db.write() as session:
            monitoring.erase(session, participant_id=request.state.user.id)
        flash(request, "Your equality monitoring answers are deleted.")
        return RedirectResponse("/me", status_code=303)
    values = {q.key: str(posted.get(q.key, "")) for q in monitoring.QUESTIONS}
    try:
        with request.app.state.db.write() as session:
            monitoring.save_answers(session, participant_id=request.state.user.id, form=values)
    except ValidationFailed as error:
        return _form_page(request, values=values, errors=error.errors, status=400)
    flash(
        request,
        "Thank you. Your answers are saved apart from your profile and are never shown with your name.",
    )
    return RedirectResponse("/me", status_code=303)


def _board_page(request: Request, *, errors: dict | None = None, status: int = 200) -> Response:
    threshold = request.app.state.settings.small_cell_threshold
    with request.app.state.db.read() as session:
        tables = export_data.equality_board(session, threshold=threshold)
        references = monitoring.reference_shares(session)
    context = {
        "tables": tables,
        "questions": monitoring.QUESTIONS,
        "references": references,
        "errors": errors or {},
        "threshold": threshold,
        "ratio": monitoring.UNDER_RATIO,
    }
    return render(request, "participation/monitoring_board.html", context, status_code=status)


@guard(Access.LEAD)
def board(request: Request) -> Response:
    return _board_page(request)


@guard(Access.LEAD)
def board_csv(request: Request) -> Response:
    threshold = request.app.state.settings.small_cell_threshold
    with request.app.state.db.read() as session:
        tables = export_data.equality_board(session, threshold=threshold)
    headers = {"Content-Disposition": 'attachment; filename="who-took-part.csv"'}
    return Response(monitoring.tables_csv(tables), media_type="text/csv; charset=utf-8", headers=headers)


@guard(Access.LEAD, write=True)
def save_reference(request: Request) -> Response:
    posted = form_of(request)
    category = str(posted.get("category", ""))
    question = monitoring.BY_KEY.get(category)
    shares = {}
    if question is not None:
        shares = {
            g: posted.get(f"share-{i}", "")
            for i, g in enumerate(question.report_groups)
            if g != monitoring.PREFER_NOT
        }
    try:
        with request.app.state.db.write() as session:
            monitoring.save_reference(
                session,
                actor_id=request.state.user.id,
                category=category,
                shares=shares,
                source=str(posted.get("source", "")),
            )
    except DomainError as error:
        return _board_page(request, errors={f"ref-{category}": error.message}, status=400)
    flash(request, "Reference shares saved.")
    return RedirectResponse(f"/manage/monitoring#ref-{category}", status_code=303)


@guard(Access.LEAD, write=True)
def upload_reference(request: Request) -> Response:
    upload = form_of(request).get("file")
    source = str(form_of(request).get("source", ""))
    content = upload.file.read(1_000_000) if hasattr(upload, "file") else b""
    if not content:
        return _board_page(request, errors={"file": "Choose a CSV file to upload."}, status=400)
    try:
        with request.app.state.db.write() as session:
            saved = monitoring.upload_reference(
                session, actor_id=request.state.user.id, content=content, source=source
            )
    except DomainError as error:
        return _board_page(request, errors={"file": error.message}, status=400)
    flash(request, f"{saved} reference share{'' if saved == 1 else 's'} saved from the file.")
    return RedirectResponse("/manage/monitoring", status_code=303)
