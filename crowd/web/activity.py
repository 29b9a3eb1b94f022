"""My activity: a participant's own ideas, comments, votes and poll answers; edit and withdraw."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from crowd.models import Access, Contribution
from crowd.security import form_of, guard
from crowd.services.declaration import provenance
from crowd.services.errors import DomainError
from crowd.services.people import activity, notifications
from crowd.services.workshop import contributions, safeguarding, workshops
from crowd.templating import flash, render


@guard(Access.PARTICIPANT)
def my_activity(request: Request) -> Response:
    with request.app.state.db.read() as session:
        mine = activity.my_activity(session, participant_id=request.state.user.id)
        statuses = {wid: workshops.effective_status(w) for wid, w in mine.workshops.items()}
        fates = provenance.what_became(session, contribution_ids=[c.id for c in mine.ideas + mine.comments])
        version_mail = notifications.is_subscribed(session, participant_id=request.state.user.id)
        safeguarding_role = safeguarding.has_role(session, request.state.user.id)
    context = {
        "activity": mine,
        "statuses": statuses,
        "fates": fates,
        "version_mail": version_mail,
        "safeguarding_role": safeguarding_role,
    }
    return render(request, "activity/mine.html", context)


def _own(request: Request, session) -> Contribution:
    return activity.own_contribution(
        session, contribution_id=request.path_params["contribution_id"], participant_id=request.state.user.id
    )


@guard(Access.PARTICIPANT)
def edit_form(request: Request) -> Response:
    with request.app.state.db.read() as session:
        contribution = _own(request, session)
    return render(request, "activity/edit.html", {"contribution": contribution, "text": contribution.text})


@guard(Access.PARTICIPANT, write=True)
def edit(request: Request) -> Response:
    text = str(form_of(request).get("text", ""))
    contribution_id = request.path_params["contribution_id"]
    try:
        with request.app.state.db.write() as session:
            posted = contributions.edit_own(
                session, contribution_id=contribution_id, author_id=request.state.user.id, text=text
            )
    except DomainError as error:
        if error.status_code != 400:
            raise
        with request.app.state.db.read() as session:
            contribution = _own(request, session)
        context = {"contribution": contribution, "text": text, "error": error.message}
        return render(request, "activity/edit.html", context, status_code=400)
    flash(request, "Your changes are saved.")
    if posted.contribution.status == "hidden":
        flash(request, "A moderator had checked the earlier words: the new ones show once they have looked.")
    if posted.masking.kinds:
        flash(request, posted.masking.message, "warning")
    return RedirectResponse("/me", status_code=303)


@guard(Access.PARTICIPANT, write=True)
def withdraw(request: Request) -> Response:
    with request.app.state.db.write() as session:
        contributions.withdraw_own(
            session, contribution_id=request.path_params["contribution_id"], author_id=request.state.user.id
        )
    flash(request, "Your contribution is withdrawn: nobody else sees it now.")
    return RedirectResponse("/me", status_code=303)
