"""Admins: the mail outbox, staff accounts and the audit log."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from crowd.models import Access
from crowd.security import form_of, guard
from crowd.services import audit, mail
from crowd.services.errors import DomainError
from crowd.services.people import participants
from crowd.services.people.auth import normalise_email
from crowd.templating import flash, render


@guard(Access.ADMIN)
def outbox(request: Request) -> Response:
    with request.app.state.db.read() as session:
        messages = mail.outbox(session)
    shown = [(m, mail.shown_body(m.body)) for m in messages]
    return render(request, "admin/outbox.html", {"messages": messages, "shown": shown})


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
    """Read the audit log with filters: actor (id or email), action, object type and id, date range."""
    params = request.query_params
    errors: dict[str, str] = {}
    since, until = _day(params.get("from"), "from", errors), _day(params.get("to"), "to", errors)
    target_id = _number(params.get("object_id"), "object_id", errors)
    with request.app.state.db.read() as session:
        actor_id = _actor(session, params.get("actor", ""), errors)
        rows = (
            []
            if errors
            else audit.entries(
                session,
                action=params.get("action") or None,
                target_type=params.get("object_type") or params.get("target_type") or None,
                target_id=target_id,
                actor_id=actor_id,
                since=since,
                until=until + timedelta(days=1) if until else None,
                limit=200,
            )
        )
        ids = {e.actor_id for e in rows if e.actor_id}
        actors = participants.names_of(session, ids)
    context = {"entries": rows, "params": params, "errors": errors, "actors": actors}
    return render(request, "admin/audit.html", context, status_code=400 if errors else 200)


def _day(raw: str | None, field: str, errors: dict[str, str]) -> datetime | None:
    if not raw:
        return None
    try:
        return datetime.combine(date.fromisoformat(raw), time.min, tzinfo=UTC)
    except ValueError:
        errors[field] = "Enter a date like 2026-11-22"
        return None


def _number(raw: str | None, field: str, errors: dict[str, str]) -> int | None:
    if not raw:
        return None
    if not raw.strip().isdigit():
        errors[field] = "Enter the object's number"
        return None
    return int(raw)


def _actor(session, raw: str, errors: dict[str, str]) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if raw.isdigit():
        return int(raw)
    found = participants.find_by_email(session, raw)
    if found is None:
        errors["actor"] = "No one has that email address"
        return None
    return found.id
