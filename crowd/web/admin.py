"""Admins: the mail outbox, staff accounts and the audit log."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from crowd.models import Access
from crowd.security import form_of, guard
from crowd.services import audit, mail, participants
from crowd.services.auth import normalise_email
from crowd.services.errors import DomainError
from crowd.templating import flash, render


@guard(Access.ADMIN)
def outbox(request: Request) -> Response:
    with request.app.state.db.read() as session:
        messages = mail.outbox(session)
    return render(request, "admin/outbox.html", {"messages": messages})


def _users_context(request: Request, errors: dict | None = None) -> dict:
    with request.app.state.db.read() as session:
        accounts = participants.staff_accounts(session)
    return {"accounts": accounts, "levels": list(Access), "errors": errors or {}}


@guard(Access.ADMIN)
def users(request: Request) -> Response:
    return render(request, "admin/users.html", _users_context(request))


@guard(Access.ADMIN, write=True)
def set_access(request: Request) -> Response:
    data = form_of(request)
    try:
        email = normalise_email(str(data.get("email", "")))
        level = Access(str(data.get("access", "")))
    except ValueError:
        return render(
            request, "admin/users.html", _users_context(request, {"access": "Select an access level"}), 400
        )
    except DomainError as error:
        return render(request, "admin/users.html", _users_context(request, {"email": error.message}), 400)
    with request.app.state.db.write() as session:
        participants.set_access(session, actor_id=request.state.user.id, email=email, access=level)
    flash(request, f"{email} is now {level.value}.")
    return RedirectResponse("/admin/users", status_code=303)


@guard(Access.MODERATOR)
def audit_log(request: Request) -> Response:
    params = request.query_params
    with request.app.state.db.read() as session:
        rows = audit.entries(
            session,
            action=params.get("action") or None,
            target_type=params.get("target_type") or None,
            limit=200,
        )
    return render(request, "admin/audit.html", {"entries": rows, "params": params})
