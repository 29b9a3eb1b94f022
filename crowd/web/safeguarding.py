"""The safeguarding queue (only the safeguarding role), and the admins' page that gives that role."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from crowd.models import Access, SafeguardingStatus
from crowd.security import form_of, guard
from crowd.services.errors import DomainError
from crowd.services.people import participants
from crowd.services.people.auth import normalise_email
from crowd.services.workshop import moderation, safeguarding
from crowd.templating import flash, render


@guard(Access.PARTICIPANT)
def queue(request: Request) -> Response:
    closed = request.query_params.get("show") == "closed"
    status = SafeguardingStatus.CLOSED if closed else SafeguardingStatus.OPEN
    with request.app.state.db.read() as session:
        cases = safeguarding.queue(session, actor_id=request.state.user.id, status=status)
    return render(request, "safeguarding/queue.html", {"cases": cases, "closed": closed})


def _case_page(request: Request, *, errors: dict | None = None, status: int = 200, form: dict | None = None):
    case_id = request.path_params["case_id"]
    with request.app.state.db.write() as session:  # looking is recorded
        view = safeguarding.view_case(session, case_id=case_id, actor_id=request.state.user.id)
    context = {
        "view": view,
        "checklist": safeguarding.CHECKLIST,
        "help_now": safeguarding.HELP_NOW,
        "errors": errors or {},
        "form": form or {},
    }
    return render(request, "safeguarding/case.html", context, status_code=status)


@guard(Access.PARTICIPANT)
def case_page(request: Request) -> Response:
    return _case_page(request)


@guard(Access.PARTICIPANT, write=True)
def record(request: Request) -> Response:
    data = form_of(request)
    case_id = request.path_params["case_id"]
    checked = [str(v) for v in data.getlist("checked")]
    close = data.get("close") == "yes"
    try:
        with request.app.state.db.write() as session:
            safeguarding.record(
                session,
                case_id=case_id,
                actor_id=request.state.user.id,
                action=str(data.get("action", "")),
                checked=checked,
                close=close,
            )
    except DomainError as error:
        if error.status_code != 400:
            raise
        form = {"action": str(data.get("action", "")), "checked": checked}
        return _case_page(request, errors={error.field or "action": error.message}, status=400, form=form)
    flash(request, "The case is closed." if close else "Recorded in the case.")
    return RedirectResponse("/safeguarding" if close else f"/safeguarding/{case_id}", status_code=303)


@guard(Access.PARTICIPANT, write=True)
def hide(request: Request) -> Response:
    """Hide the contribution of a case (only the safeguarding role may), with a reason."""
    case_id = request.path_params["case_id"]
    reason = str(form_of(request).get("reason", ""))
    try:
        with request.app.state.db.write() as session:
            view = safeguarding.view_case(session, case_id=case_id, actor_id=request.state.user.id)
            moderation.hide(
                session, contribution_id=view.contribution.id, actor_id=request.state.user.id, reason=reason
            )
    except DomainError as error:
        if error.status_code != 400:
            raise
        return _case_page(request, errors={"reason": error.message}, status=400)
    flash(request, "Hidden. It can be restored from the moderation queue.")
    return RedirectResponse(f"/safeguarding/{case_id}", status_code=303)


def _roles_page(request: Request, errors: dict | None = None, status: int = 200) -> Response:
    with request.app.state.db.read() as session:
        holders = safeguarding.role_holders(session)
    context = {"holders": holders, "errors": errors or {}}
    return render(request, "safeguarding/roles.html", context, status_code=status)


@guard(Access.ADMIN)
def roles(request: Request) -> Response:
    return _roles_page(request)


@guard(Access.ADMIN, write=True)
def set_role(request: Request) -> Response:
    data = form_of(request)
    on = data.get("grant") != "no"
    try:
        email = normalise_email(str(data.get("email", "")))
    except DomainError as error:
        return _roles_page(request, {"email": error.message}, 400)
    with request.app.state.db.write() as session:
        person = participants.find_by_email(session, email)
        if person is None:
            return _roles_page(request, {"email": "Nobody has signed in with that email address yet."}, 400)
        safeguarding.grant(session, actor_id=request.state.user.id, participant_id=person.id, on=on)
    flash(request, f"{email} {'has' if on else 'no longer has'} the safeguarding role.")
    return RedirectResponse("/admin/safeguarding", status_code=303)


@guard(Access.PARTICIPANT)
def record_text(request: Request) -> Response:
    case_id = request.path_params["case_id"]
    with request.app.state.db.write() as session:  # the download is recorded in the case and the audit log
        body = safeguarding.case_record_text(session, case_id=case_id, actor_id=request.state.user.id)
    headers = {"Content-Disposition": f'attachment; filename="safeguarding-case-{case_id}.txt"'}
    return Response(body, media_type="text/plain; charset=utf-8", headers=headers)


# Beyond their Access level these need the safeguarding role (tests/participation/test_safeguarding.py
# holds their role matrix; the generic access matrix reads this mark).
for _endpoint in (queue, case_page, record, hide, record_text):
    _endpoint.also_needs = "safeguarding"  # type: ignore[attr-defined]  # route metadata on the endpoint function, read by the route table and the access matrix
