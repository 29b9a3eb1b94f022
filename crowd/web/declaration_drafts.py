"""Drafting the declaration (moderators) and publishing it (leads only)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from crowd.models import Access
from crowd.security import form_of, guard
from crowd.services.declaration import foundations
from crowd.services.declaration import versions as declarations
from crowd.services.declaration.snapshot import chosen_foundations
from crowd.services.errors import DomainError, ValidationFailed
from crowd.templating import flash, render
from crowd.web.declaration import draft_preview_context


def _drafts_context(session, **extra) -> dict:
    draft = declarations.current_draft(session)
    chosen = chosen_foundations(session, draft.id) if draft else []
    chosen_ids = [f.id for f in chosen]
    others = [f for f in foundations.list_foundations(session) if f.id not in chosen_ids]
    context = {
        "draft": draft,
        "form": {"title": draft.title, "preamble": draft.preamble} if draft else {},
        "chosen": chosen,
        "others": others,
        "positions": {f.id: i + 1 for i, f in enumerate(chosen)},
        "versions": declarations.published_versions(session),
        "errors": {},
        "publish_error": None,
        "change_note": "",
    }
    context.update(extra)
    return context


@guard(Access.MODERATOR)
def drafts(request: Request) -> Response:
    with request.app.state.db.read() as session:
        context = _drafts_context(session)
    return render(request, "declaration/drafts.html", context)


@guard(Access.MODERATOR, write=True)
def start(request: Request) -> Response:
    with request.app.state.db.write() as session:
        draft = declarations.start_draft(session, actor_id=request.state.user.id)
        based = draft.based_on
    flash(
        request, "A new draft starts from the last published version." if based else "A first draft is ready."
    )
    return RedirectResponse("/declaration/drafts", status_code=303)


def _ordered_ids(request: Request) -> list[int]:
    data = form_of(request)
    picked = []
    for raw in data.getlist("include"):
        try:
            foundation_id = int(str(raw))
        except ValueError:
            continue
        try:
            position = int(str(data.get(f"position-{foundation_id}", "")))
        except ValueError:
            position = 10_000
        picked.append((position, len(picked), foundation_id))
    return [foundation_id for _, _, foundation_id in sorted(picked)]


@guard(Access.MODERATOR, write=True)
def save(request: Request) -> Response:
    draft_id = request.path_params["draft_id"]
    data = form_of(request)
    title, preamble = str(data.get("title", "")), str(data.get("preamble", ""))
    try:
        with request.app.state.db.write() as session:
            declarations.save_draft(
                session,
                actor_id=request.state.user.id,
                declaration_id=draft_id,
                title=title,
                preamble=preamble,
                foundation_ids=_ordered_ids(request),
            )
    except ValidationFailed as failed:
        with request.app.state.db.read() as session:
            context = _drafts_context(
                session, errors=failed.errors, form={"title": title, "preamble": preamble}
            )
        return render(request, "declaration/drafts.html", context, status_code=400)
    flash(request, "Draft saved.")
    return RedirectResponse("/declaration/drafts", status_code=303)


@guard(Access.MODERATOR)
def preview(request: Request) -> Response:
    with request.app.state.db.read() as session:
        context = draft_preview_context(request, session, request.path_params["draft_id"])
    return render(request, "declaration/version.html", context)


@guard(Access.LEAD, write=True)
def publish(request: Request) -> Response:
    draft_id = request.path_params["draft_id"]
    change_note = str(form_of(request).get("change_note", ""))
    try:
        with request.app.state.db.write() as session:
            version = declarations.publish(
                session,
                actor_id=request.state.user.id,
                declaration_id=draft_id,
                change_note=change_note,
                base_url=request.app.state.settings.base_url,
            )
    except DomainError as error:
        if error.status_code == 404:
            raise
        with request.app.state.db.read() as session:
            context = _drafts_context(session, publish_error=error.message, change_note=change_note)
        return render(request, "declaration/drafts.html", context, status_code=400)
    flash(request, f"Version {version.number} is published. Its feedback workshop is open.")
    return RedirectResponse(f"/declaration/v/{version.number}", status_code=303)
