"""Participants first: the Easy Read switch, and the "new version" mail (opt in on My activity,
unsubscribe by link without signing in)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from crowd.models import Access
from crowd.security import PUBLIC, form_of, guard
from crowd.services.errors import DomainError
from crowd.services.people import notifications
from crowd.templating import flash, render


@guard(Access.PARTICIPANT, write=True)
def set_version_mail(request: Request) -> Response:
    on = "yes" in form_of(request).getlist("version_mail")
    with request.app.state.db.write() as session:
        notifications.set_subscription(session, participant_id=request.state.user.id, on=on)
    flash(
        request,
        "We will email you once when a new version you helped shape is published."
        if on
        else "We will not email you about new versions.",
    )
    return RedirectResponse("/me#version-mail", status_code=303)


def _unsubscribe_page(request: Request, *, token: str, error: str = "", done: bool = False, status=200):
    context = {"token": token, "error": error, "done": done}
    return render(request, "participation/unsubscribe.html", context, status_code=status)


@guard(PUBLIC)
def unsubscribe_form(request: Request) -> Response:
    token = request.query_params.get("token", "")
    try:
        with request.app.state.db.read() as session:
            notifications.check_token(session, secret_key=request.app.state.settings.secret_key, token=token)
    except DomainError as error:
        return _unsubscribe_page(request, token="", error=error.message, status=400)
    return _unsubscribe_page(request, token=token)


@guard(PUBLIC, write=True)
def unsubscribe(request: Request) -> Response:
    token = str(form_of(request).get("token", ""))
    try:
        with request.app.state.db.write() as session:
            notifications.unsubscribe(session, secret_key=request.app.state.settings.secret_key, token=token)
    except DomainError as error:
        return _unsubscribe_page(request, token="", error=error.message, status=400)
    return _unsubscribe_page(request, token="", done=True)


def _safe_next(raw: str) -> str:
    """Only a path on this site (no scheme, no host, no '//' or backslash tricks)."""
    if not raw.startswith("/") or raw.startswith("//") or "\\" in raw or any(c in raw for c in "\r\n"):
        return "/"
    return raw


@guard(PUBLIC)
def switch_easy_read(request: Request) -> Response:
    """One link switches Easy Read on or off; the choice is remembered in the visitor's session."""
    request.session["easy_read"] = request.query_params.get("on") == "yes"
    return RedirectResponse(_safe_next(request.query_params.get("next", "/")), status_code=303)


@guard(PUBLIC)
def accessibility(request: Request) -> Response:
    """The accessibility statement, in the GOV.UK model form."""
    settings = request.app.state.settings
    context = {"base_url": settings.base_url, "contact": settings.accessibility_contact or settings.mail_from}
    return render(request, "accessibility.html", context)
