"""Paper and phone: the printable response form of a workshop, and typing responses in bulk."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from crowd.models import Access, CareRole, Workshop
from crowd.security import form_of, guard
from crowd.services.boroughs import BOROUGHS
from crowd.services.errors import ValidationFailed
from crowd.services.streams import paper
from crowd.services.workshop import workshops
from crowd.templating import flash, render
from exports.response_form import render_response_form


def _workshop(session, request: Request) -> Workshop:
    return workshops.workshop_by_id(session, request.path_params["workshop_id"])


@guard(Access.MODERATOR)
def response_form(request: Request) -> Response:
    easy = request.query_params.get("easy_read") == "yes"
    with request.app.state.db.read() as session:
        workshop = _workshop(session, request)
        data = paper.form_data(
            session, workshop=workshop, base_url=request.app.state.settings.base_url, easy=easy
        )
    body = render_response_form(form=data, easy_read=easy)
    name = f"{workshop.slug}-response-form{'-easy-read' if easy else ''}.pdf"
    return Response(
        body, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def _entry_page(
    request: Request, *, values: dict | None = None, errors: dict | None = None, status: int = 200
):
    with request.app.state.db.read() as session:
        workshop = _workshop(session, request)
        sections = workshops.sections(session, workshop.id)
    context = {
        "workshop": workshop,
        "sections": sections,
        "rows": range(paper.ROWS),
        "roles": [(r.value, r.label) for r in CareRole],
        "boroughs": BOROUGHS,
        "channels": paper.CHANNELS,
        "values": values or {},
        "errors": errors or {},
    }
    return render(request, "paper/entry.html", context, status_code=status)


@guard(Access.MODERATOR)
def entry_form(request: Request) -> Response:
    return _entry_page(request)


@guard(Access.MODERATOR, write=True)
def record(request: Request) -> Response:
    form = form_of(request)
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    try:
        with request.app.state.db.write() as session:
            workshop = _workshop(session, request)
            rows = paper.parse_rows(session, workshop=workshop, form=form)
            made = paper.record(
                session,
                workshop=workshop,
                actor_id=request.state.user.id,
                channel=str(form.get("channel", "")),
                rows=rows,
            )
            masked = sum(1 for c in made if c.masked)
    except ValidationFailed as error:
        return _entry_page(request, values=values, errors=error.errors, status=400)
    flash(request, f"{len(made)} response{'' if len(made) == 1 else 's'} added to the workshop.")
    if masked:
        flash(
            request, f"Personal data was removed from {masked} of them before anyone else sees it.", "warning"
        )
    return RedirectResponse(f"/manage/workshops/{workshop.id}/paper", status_code=303)
