"""Vote on ideas one at a time: one idea, agree / disagree / pass, "this is important to me", next.

Phone-first and plain HTML: without JavaScript the form posts and the page redirects to the next idea;
with htmx the form swaps the card (#next-idea) in place. The next idea is drawn by Pol.is's routing
priority (crowd/services/opinions/next_idea.py).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from crowd.models import Access
from crowd.security import form_of, guard
from crowd.services.errors import DomainError
from crowd.services.opinions import next_idea
from crowd.services.workshop import votes, workshops
from crowd.templating import flash, is_htmx, render
from crowd.web.params import integer

CHOICE_WORDS = {"agree": "agreed", "disagree": "disagreed", "pass": "passed"}


def _context(request: Request, session, workshop, **extra) -> dict:
    upcoming = next_idea.next_idea(session, workshop_id=workshop.id, participant_id=request.state.user.id)
    return {
        "workshop": workshop,
        "next": upcoming,
        "status": workshops.effective_status(workshop),
        **extra,
    }


@guard(Access.PARTICIPANT)
def one_at_a_time(request: Request) -> Response:
    with request.app.state.db.read() as session:
        workshop = workshops.get_workshop(session, request.path_params["slug"])
        context = _context(request, session, workshop)
    return render(request, "workshop/one_at_a_time.html", context)


@guard(Access.PARTICIPANT, write=True)
def vote_one(request: Request) -> Response:
    slug = request.path_params["slug"]
    form = form_of(request)
    contribution_id = integer(form.get("contribution_id"))
    important = str(form.get("important", "")) in {"1", "on", "yes", "true"}
    db = request.app.state.db
    with db.read() as session:
        workshop = workshops.get_workshop(session, slug)
    try:
        choice = votes.parse_choice(str(form.get("choice", "")))
        if contribution_id is None:
            raise DomainError("Choose an idea to vote on.", field="contribution_id")
        with db.write() as session:
            next_idea.vote_and_mark(
                session,
                workshop_id=workshop.id,
                participant_id=request.state.user.id,
                contribution_id=contribution_id,
                choice=choice,
                important=important,
            )
    except DomainError as error:  # a bad choice, a closed workshop, an idea hidden meanwhile: say so
        with db.read() as session:
            context = _context(request, session, workshop, error=error.message)
        if is_htmx(request):  # htmx swaps only 2xx answers: the card itself carries the message
            return render(request, "partials/next_idea.html", context)
        return render(request, "workshop/one_at_a_time.html", context, status_code=error.status_code)
    done = f"Your vote is recorded: you {CHOICE_WORDS[choice.value]}{' and marked it important' if important else ''}."
    if is_htmx(request):
        with db.read() as session:
            context = _context(request, session, workshop, done=done)
        return render(request, "partials/next_idea.html", context)
    flash(request, done)
    return RedirectResponse(f"/w/{slug}/one-at-a-time", status_code=303)
