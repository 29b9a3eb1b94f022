"""Leads create and edit workshops and their sections."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from crowd.models import Access, Workshop, WorkshopStatus
from crowd.models._base import LONDON
from crowd.security import form_of, guard
from crowd.services.errors import ValidationFailed
from crowd.services.workshop import workshops
from crowd.templating import flash, render

FIELDS = ("title", "slug", "intro", "status", "opens_at", "closes_at", "poll_question")


def _form_from(request: Request) -> workshops.WorkshopForm:
    data = form_of(request)
    return workshops.WorkshopForm(**{name: str(data.get(name, "")) for name in FIELDS})


def _form_of_workshop(workshop: Workshop) -> workshops.WorkshopForm:
    def iso(value) -> str:
        return value.astimezone(LONDON).strftime("%Y-%m-%d %H:%M") if value else ""

    return workshops.WorkshopForm(
        title=workshop.title,
        slug=workshop.slug,
        intro=workshop.intro,
        status=workshop.status.value,
        opens_at=iso(workshop.opens_at),
        closes_at=iso(workshop.closes_at),
        poll_question=workshop.poll_question,
    )


@guard(Access.LEAD)
def workshop_list(request: Request) -> Response:
    with request.app.state.db.read() as session:
        items = workshops.list_workshops(session, include_drafts=True)
    return render(request, "manage/workshops.html", {"workshops": items})


@guard(Access.LEAD)
def new_workshop(request: Request) -> Response:
    context = {"form": workshops.WorkshopForm(), "errors": {}, "statuses": list(WorkshopStatus)}
    return render(request, "manage/workshop_form.html", context)


@guard(Access.LEAD, write=True)
def create_workshop(request: Request) -> Response:
    form = _form_from(request)
    try:
        with request.app.state.db.write() as session:
            workshop = workshops.save_workshop(session, actor_id=request.state.user.id, form=form)
    except ValidationFailed as failed:
        context = {"form": form, "errors": failed.errors, "statuses": list(WorkshopStatus)}
        return render(request, "manage/workshop_form.html", context, status_code=400)
    flash(request, "Workshop created. Now add its sections.")
    return RedirectResponse(f"/manage/workshops/{workshop.id}", status_code=303)


def _edit_context(session, workshop_id: int, form=None, errors=None, section_errors=None) -> dict:
    workshop = workshops.workshop_by_id(session, workshop_id)
    return {
        "workshop": workshop,
        "form": form or _form_of_workshop(workshop),
        "errors": errors or {},
        "section_errors": section_errors or {},
        "sections": workshops.sections(session, workshop_id),
        "statuses": list(WorkshopStatus),
    }


@guard(Access.LEAD)
def edit_workshop(request: Request) -> Response:
    with request.app.state.db.read() as session:
        context = _edit_context(session, request.path_params["workshop_id"])
    return render(request, "manage/workshop_edit.html", context)


@guard(Access.LEAD, write=True)
def update_workshop(request: Request) -> Response:
    workshop_id = request.path_params["workshop_id"]
    form = _form_from(request)
    try:
        with request.app.state.db.write() as session:
            workshops.save_workshop(
                session, actor_id=request.state.user.id, form=form, workshop_id=workshop_id
            )
    except ValidationFailed as failed:
        with request.app.state.db.read() as session:
            context = _edit_context(session, workshop_id, form=form, errors=failed.errors)
        return render(request, "manage/workshop_edit.html", context, status_code=400)
    flash(request, "Workshop saved.")
    return RedirectResponse(f"/manage/workshops/{workshop_id}", status_code=303)


@guard(Access.LEAD, write=True)
def save_section(request: Request) -> Response:
    workshop_id = request.path_params["workshop_id"]
    data = form_of(request)
    section_id = request.path_params.get("section_id")
    position = str(data.get("position", "")).strip()
    try:
        with request.app.state.db.write() as session:
            workshops.workshop_by_id(session, workshop_id)
            workshops.save_section(
                session,
                actor_id=request.state.user.id,
                workshop_id=workshop_id,
                title=str(data.get("title", "")),
                body=str(data.get("body", "")),
                position=int(position) if position.isdigit() else None,
                section_id=section_id,
            )
    except ValidationFailed as failed:
        with request.app.state.db.read() as session:
            context = _edit_context(session, workshop_id, section_errors=failed.errors)
        return render(request, "manage/workshop_edit.html", context, status_code=400)
    flash(request, "Section saved.")
    return RedirectResponse(f"/manage/workshops/{workshop_id}#sections", status_code=303)
