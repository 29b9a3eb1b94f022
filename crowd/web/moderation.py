"""The moderation queue: moderators hide, restore or clear contributions, always with a reason."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from crowd.models import Access
from crowd.security import form_of, guard
from crowd.services.errors import DomainError
from crowd.services.workshop import contributions, moderation, safeguarding
from crowd.templating import flash, render

ACTIONS = {
    "hide": (moderation.hide, "Hidden: it no longer counts anywhere, and can be restored."),
    "restore": (moderation.restore, "Restored."),
    "dismiss": (moderation.dismiss_flags, "Cleared from the queue."),
    "escalate": (
        safeguarding.escalate_from_queue,
        "Sent to the safeguarding queue. It stays visible; the author is told where to get help now.",
    ),
}


def _context(request: Request, errors: dict | None = None) -> dict:
    show_hidden = request.query_params.get("show") == "hidden"
    with request.app.state.db.read() as session:
        items = moderation.queue(session, include_hidden=show_hidden)
        authors = contributions.authors_by_id(
            session, {i.contribution.author_id for i in items if i.contribution.author_id}
        )
        escalated = safeguarding.escalated_ids(session, [i.contribution.id for i in items])
    return {
        "items": items,
        "authors": authors,
        "show_hidden": show_hidden,
        "errors": errors or {},
        "many": contributions.MANY_FLAGS,
        "escalated": escalated,
    }


@guard(Access.MODERATOR)
def queue(request: Request) -> Response:
    return render(request, "moderation/queue.html", _context(request))


@guard(Access.MODERATOR, write=True)
def decide(request: Request) -> Response:
    data = form_of(request)
    contribution_id = request.path_params["contribution_id"]
    action = ACTIONS.get(str(data.get("action", "")))
    if action is None:
        raise DomainError("Choose hide, restore, clear or send to safeguarding.")
    change, message = action
    try:
        with request.app.state.db.write() as session:
            extra = {"settings": request.app.state.settings} if data.get("action") == "escalate" else {}
            change(
                session,
                contribution_id=contribution_id,
                actor_id=request.state.user.id,
                reason=str(data.get("reason", "")),
                **extra,
            )
    except DomainError as error:
        if error.status_code != 400:
            raise
        context = _context(request, {f"reason-{contribution_id}": error.message})
        return render(request, "moderation/queue.html", context, status_code=400)
    flash(request, message)
    back = "/moderation?show=hidden" if data.get("action") == "restore" else "/moderation"
    return RedirectResponse(back, status_code=303)
