"""Live event mode: leads run events and present answers; attendees join by code and answer anonymously.

Attendees have no account: each browser gets an anonymous device id in its session cookie (with the
CSRF token) when it loads the join page. Their answers are limited per device, not per IP address, since
a whole venue often shares one address.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable

import segno
from limits import parse as parse_limit
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from crowd.models import Access, LiveEvent, QuestionKind
from crowd.security import PUBLIC, RateLimited, form_of, guard
from crowd.services.errors import DomainError, NotFound, ValidationFailed
from crowd.services.streams import live
from crowd.services.workshop import workshops
from crowd.templating import flash, is_htmx, render
from crowd.web.limits import check_address_rate
from crowd.web.params import integer, session_value

DEVICE_BURST = "20 per 10 second"
_burst = MovingWindowRateLimiter(MemoryStorage())


def device_of(request: Request) -> str:
    device = session_value(request, "device")
    if not device:
        device = secrets.token_urlsafe(16)
        request.session["device"] = device
    return device


def per_device(endpoint: Callable[[Request], Response]) -> Callable[[Request], Response]:
    """An attendee's write: public, CSRF-checked by the middleware, limited per device (a burst of
    answers from one device gets 429 and is not stored)."""

    @functools.wraps(endpoint)
    def wrapper(request: Request) -> Response:
        request.state.user = None
        if not _burst.hit(parse_limit(DEVICE_BURST), "live", device_of(request)):
            raise RateLimited(DEVICE_BURST)
        # and per event and address: fresh cookies do not make fresh people
        check_address_rate(
            request, "live", f"live:{live.normalise_code(request.path_params.get('code', ''))}"
        )
        return endpoint(request)

    wrapper.access = PUBLIC  # type: ignore[attr-defined]  # route metadata on the endpoint function, read by the route table and the access matrix
    wrapper.write = True  # type: ignore[attr-defined]  # route metadata on the endpoint function, read by the route table and the access matrix
    return wrapper


def join_url(request: Request, code: str) -> str:
    return f"{request.app.state.settings.base_url.rstrip('/')}/live/{code}"


def qr_svg(url: str) -> Markup:
    """The join address as an inline SVG QR code (generated from our own URL, never from user text)."""
    svg = segno.make(url, error="m").svg_inline(scale=8, border=2, omitsize=True)
    return Markup(svg.replace("<svg ", '<svg role="img" aria-label="QR code to join" ', 1))  # noqa: S704


# -- attendees --------------------------------------------------------------------------------------


@guard(PUBLIC)
def join_form(request: Request) -> Response:
    code = request.query_params.get("code")
    if code is not None:
        code = live.normalise_code(code)
        if code:
            with request.app.state.db.read() as session:
                try:
                    live.event_by_code(session, code)
                except NotFound:
                    pass
                else:
                    return RedirectResponse(f"/live/{code}", status_code=303)
        if not code:
            context = {"code": "", "error": "Enter the code shown on the screen."}
            return render(request, "live/join.html", context, status_code=400)
        context = {"code": code, "error": "There is no live event with that code. Check it and try again."}
        return render(request, "live/join.html", context, status_code=404)
    return render(request, "live/join.html", {"code": "", "error": None})


def _attendee_context(request: Request, session, event: LiveEvent, *, change: bool = False) -> dict:
    question = live.open_question(session, event_id=event.id)
    mine = live.my_answer(session, question_id=question.id, device=device_of(request)) if question else None
    return {"event": event, "question": question, "mine": mine, "change": change or mine is None}


@guard(PUBLIC)
def attendee_page(request: Request) -> Response:
    with request.app.state.db.read() as session:
        event = live.event_by_code(session, request.path_params["code"])
        context = _attendee_context(request, session, event, change=request.query_params.get("change") == "1")
    if is_htmx(request):
        return render(request, "partials/live_question.html", context)
    return render(request, "live/attend.html", context)


@per_device
def answer(request: Request) -> Response:
    code = request.path_params["code"]
    data = form_of(request)
    value = str(data.get("answer", ""))
    question_id = integer(data.get("question_id"))
    try:
        with request.app.state.db.write() as session:
            done = live.answer(
                session, code=code, question_id=question_id or 0, device=device_of(request), value=value
            )
    except DomainError as error:
        if error.status_code in (404, 429):
            raise
        with request.app.state.db.read() as session:
            event = live.event_by_code(session, code)
            context = _attendee_context(request, session, event, change=True)
        context.update(error=error.message, value=value)
        template = "partials/live_question.html" if is_htmx(request) else "live/attend.html"
        response = render(request, template, context, status_code=400 if error.status_code != 409 else 409)
        if is_htmx(request):
            response.headers["HX-Retarget"] = "#live-question"
            response.headers["HX-Reswap"] = "outerHTML"
        return response
    if is_htmx(request):
        context = {"event": done.event, "question": done.question, "mine": done.answer, "change": False}
        return render(request, "partials/live_question.html", context)
    flash(request, "Thank you: your answer is in.")
    return RedirectResponse(f"/live/{live.normalise_code(code)}", status_code=303)


# -- presenter ---------------------------------------------------------------------------------------


def _results_context(session, event: LiveEvent) -> dict:
    question = live.open_question(session, event_id=event.id)
    return {"event": event, "results": live.results(session, question=question) if question else None}


@guard(Access.LEAD)
def present(request: Request) -> Response:
    with request.app.state.db.read() as session:
        event = live.event_by_code(session, request.path_params["code"])
        context = _results_context(session, event)
    url = join_url(request, event.code)
    context.update(join_url=url, qr=qr_svg(url))
    return render(request, "live/present.html", context)


@guard(Access.LEAD)
def results(request: Request) -> Response:
    with request.app.state.db.read() as session:
        event = live.event_by_code(session, request.path_params["code"])
        context = _results_context(session, event)
    return render(request, "partials/live_results.html", context)


# -- running events ----------------------------------------------------------------------------------


def _manage_context(session, *, form: dict | None = None, errors: dict | None = None) -> dict:
    return {
        "events": live.list_events(session),
        "workshops": workshops.list_workshops(session, include_drafts=True),
        "form": form or {},
        "errors": errors or {},
    }


@guard(Access.LEAD)
def events(request: Request) -> Response:
    with request.app.state.db.read() as session:
        return render(request, "live/events.html", _manage_context(session))


@guard(Access.LEAD, write=True)
def create_event(request: Request) -> Response:
    data = form_of(request)
    form = {"title": str(data.get("title", "")), "workshop_id": str(data.get("workshop_id", ""))}
    try:
        with request.app.state.db.write() as session:
            event = live.create_event(
                session,
                actor_id=request.state.user.id,
                workshop_id=integer(form["workshop_id"]),
                title=form["title"],
            )
    except ValidationFailed as failed:
        with request.app.state.db.read() as session:
            context = _manage_context(session, form=form, errors=failed.errors)
        return render(request, "live/events.html", context, status_code=400)
    flash(request, f"Live event created. Its join code is {event.code}. Now add questions.")
    return RedirectResponse(f"/manage/live/{event.id}", status_code=303)


def _event_context(session, event_id: int, *, draft=None, errors: dict | None = None) -> dict:
    event = live.get_event(session, event_id)
    return {
        "event": event,
        "questions": live.questions(session, event_id=event.id),
        "kinds": [(k.value, k.label) for k in QuestionKind],
        "draft": draft or live.QuestionDraft(),
        "errors": errors or {},
    }


@guard(Access.LEAD)
def event_page(request: Request) -> Response:
    with request.app.state.db.read() as session:
        context = _event_context(session, request.path_params["event_id"])
    return render(request, "live/event.html", context)


@guard(Access.LEAD, write=True)
def add_question(request: Request) -> Response:
    event_id = request.path_params["event_id"]
    data = form_of(request)
    draft = live.QuestionDraft(
        prompt=str(data.get("prompt", "")),
        kind=str(data.get("kind", "")),
        options=str(data.get("options", "")),
    )
    try:
        with request.app.state.db.write() as session:
            live.add_question(session, actor_id=request.state.user.id, event_id=event_id, draft=draft)
    except ValidationFailed as failed:
        with request.app.state.db.read() as session:
            context = _event_context(session, event_id, draft=draft, errors=failed.errors)
        return render(request, "live/event.html", context, status_code=400)
    flash(request, "Question added.")
    return RedirectResponse(f"/manage/live/{event_id}", status_code=303)


@guard(Access.LEAD, write=True)
def open_question(request: Request) -> Response:
    event_id = request.path_params["event_id"]
    question_id = integer(form_of(request).get("question_id"))
    with request.app.state.db.write() as session:
        chosen = live.set_open(
            session, actor_id=request.state.user.id, event_id=event_id, question_id=question_id
        )
    flash(request, "Question open: attendees can answer now." if chosen else "Question closed.")
    return RedirectResponse(f"/manage/live/{event_id}", status_code=303)
