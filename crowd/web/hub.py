"""The design group's start page: every tool, per workshop, for moderators, leads and admins."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from crowd.models import Access
from crowd.security import guard
from crowd.services.workshop import moderation, workshops
from crowd.templating import render


@guard(Access.MODERATOR)
def hub(request: Request) -> Response:
    with request.app.state.db.read() as session:
        items = workshops.list_workshops(session, include_drafts=True)
        waiting = moderation.queue_size(session)
    statuses = {w.id: workshops.effective_status(w) for w in items}
    return render(request, "manage/hub.html", {"workshops": items, "statuses": statuses, "waiting": waiting})
