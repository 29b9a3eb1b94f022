"""Leads write the Easy Read texts of workshop sections, the draft's preamble and the foundations."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from crowd.models import Access
from crowd.security import form_of, guard
from crowd.services.declaration import easy_read, versions
from crowd.services.errors import NotFound, ValidationFailed
from crowd.templating import flash, render

BLANK_ROWS = 3


@guard(Access.LEAD)
def overview(request: Request) -> Response:
    with request.app.state.db.read() as session:
        context = easy_read.overview(session, draft=versions.current_draft(session))
    return render(request, "easy_read/overview.html", context)


def _target(request: Request) -> tuple[str, int]:
    target_type = request.path_params["target_type"]
    if target_type not in easy_read.TARGETS:
        raise NotFound("There is nothing to write an Easy Read text for there.")
    return target_type, request.path_params["target_id"]


def _edit_page(request: Request, *, points: list[dict], errors: dict | None = None, status: int = 200):
    target_type, target_id = _target(request)
    with request.app.state.db.read() as session:
        name = easy_read.target_name(session, target_type, target_id)
    rows = [*points, *({} for _ in range(BLANK_ROWS))][: easy_read.MAX_POINTS]
    context = {
        "name": name,
        "action": f"/manage/easy-read/{target_type}/{target_id}",
        "rows": rows,
        "pictures": easy_read.PICTURES,
        "errors": errors or {},
        "limit": easy_read.LONG_SENTENCE_WORDS,
    }
    return render(request, "easy_read/edit.html", context, status_code=status)


@guard(Access.LEAD)
def edit(request: Request) -> Response:
    target_type, target_id = _target(request)
    with request.app.state.db.read() as session:
        easy_read.target_name(session, target_type, target_id)
        points = easy_read.points_of(session, target_type, target_id) or easy_read.earlier_points(
            session, target_type, target_id
        )
    return _edit_page(request, points=points)


@guard(Access.LEAD, write=True)
def save(request: Request) -> Response:
    target_type, target_id = _target(request)
    form = form_of(request)
    try:
        points = easy_read.parse_points(form)
        with request.app.state.db.write() as session:
            easy_read.save(
                session,
                actor_id=request.state.user.id,
                target_type=target_type,
                target_id=target_id,
                points=points,
            )
    except ValidationFailed as error:
        typed = [
            {k: str(form.get(f"point-{n}-{k}", "")) for k in ("text", "picture", "alt")}
            for n in range(easy_read.MAX_POINTS)
            if any(form.get(f"point-{n}-{k}") for k in ("text", "picture", "alt"))
        ]
        return _edit_page(request, points=typed, errors=error.errors, status=400)
    flash(
        request, "Easy Read text saved." if points else "Easy Read text removed: the standard text is shown."
    )
    return RedirectResponse("/manage/easy-read", status_code=303)
