"""Sign-in by magic link, sign-out and the participant's profile."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from crowd.models import Access
from crowd.security import PUBLIC, form_of, guard, sign_in, sign_out
from crowd.services.errors import DomainError, ValidationFailed
from crowd.services.people import auth, participants
from crowd.templating import flash, render
from crowd.web.params import session_value


@guard(PUBLIC)
def sign_in_form(request: Request) -> Response:
    return render(request, "auth/sign_in.html", {"next": auth.safe_next(request.query_params.get("next"))})


@guard(PUBLIC, write=True, limit="signin")
def request_link(request: Request) -> Response:
    form = form_of(request)
    email = str(form.get("email", ""))
    next_url = auth.safe_next(str(form.get("next", "/")))
    try:
        with request.app.state.db.write() as session:
            auth.request_link(session, settings=request.app.state.settings, email=email, next_url=next_url)
    except DomainError as error:
        context = {"next": next_url, "email": email, "errors": {"email": error.message}}
        return render(request, "auth/sign_in.html", context, status_code=error.status_code)
    return render(request, "auth/check_email.html", {"email": email.strip().lower()})


@guard(PUBLIC)
def confirm(request: Request) -> Response:
    """The link in the mail opens this page; only its button signs in (a GET changes nothing, so a mail
    scanner that opens links cannot use one up, and nobody is signed in by a link on another site)."""
    token = request.query_params.get("token", "")
    try:
        with request.app.state.db.read() as session:
            email = auth.check_link(session, settings=request.app.state.settings, token=token)
    except DomainError as error:
        return render(request, "auth/link_problem.html", {"message": error.message}, status_code=400)
    return render(request, "auth/confirm.html", {"token": token, "email": email})


@guard(PUBLIC, write=True, limit="none")
def verify(request: Request) -> Response:
    token = str(form_of(request).get("token", ""))
    try:
        with request.app.state.db.write() as session:
            participant, next_url = auth.consume_link(
                session, settings=request.app.state.settings, token=token
            )
    except DomainError as error:
        return render(request, "auth/link_problem.html", {"message": error.message}, status_code=400)
    sign_in(request, participant)
    if not participant.has_profile:
        return RedirectResponse(f"/profile?next={quote(next_url)}", status_code=303)
    flash(request, "You are signed in.")
    return RedirectResponse(next_url, status_code=303)


@guard(PUBLIC, write=True)
def sign_out_now(request: Request) -> Response:
    user = request.state.user
    if user is not None:
        with request.app.state.db.write() as session:
            auth.end_session(session, participant_id=user.id, session_id=session_value(request, "sid"))
    sign_out(request)
    return RedirectResponse("/", status_code=303)


@guard(Access.PARTICIPANT, write=True, needs_profile=False)
def sign_out_everywhere(request: Request) -> Response:
    with request.app.state.db.write() as session:
        auth.end_every_session(session, participant_id=request.state.user.id)
    sign_out(request)
    return RedirectResponse("/", status_code=303)


def _profile_context(request: Request, form: participants.ProfileForm, errors: dict[str, str]) -> dict:
    with request.app.state.db.read() as session:
        organisations = participants.organisations(session)
    return {
        "form": form,
        "errors": errors,
        "organisations": organisations,
        "next": auth.safe_next(request.query_params.get("next") or str(form_of(request).get("next", "/"))),
    }


@guard(Access.PARTICIPANT, needs_profile=False)
def profile_form(request: Request) -> Response:
    user = request.state.user
    form = participants.ProfileForm(
        display_name=user.display_name,
        role=user.role.value if user.role else "",
        profession=user.profession or "",
        organisation_id=str(user.organisation_id or ""),
        borough=user.borough or "",
        consent_privacy=bool(user.consent_privacy_at),
        consent_quote=user.consent_quote,
    )
    return render(request, "auth/profile.html", _profile_context(request, form, {}))


@guard(Access.PARTICIPANT, write=True, needs_profile=False)
def save_profile(request: Request) -> Response:
    data = form_of(request)
    form = participants.ProfileForm(
        display_name=str(data.get("display_name", "")),
        role=str(data.get("role", "")),
        profession=str(data.get("profession", "")),
        organisation_id=str(data.get("organisation_id", "")),
        new_organisation=str(data.get("new_organisation", "")),
        borough=str(data.get("borough", "")),
        consent_privacy=data.get("consent_privacy") == "yes",
        consent_quote=data.get("consent_quote") == "yes",
    )
    try:
        with request.app.state.db.write() as session:
            participants.save_profile(session, participant_id=request.state.user.id, form=form)
    except ValidationFailed as failed:
        return render(request, "auth/profile.html", _profile_context(request, form, failed.errors), 400)
    flash(request, "Your profile is saved.")
    return RedirectResponse(auth.safe_next(str(data.get("next", "/"))), status_code=303)
