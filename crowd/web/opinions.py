"""The opinion map: groups of people who vote alike, what each group believes, and where all agree.

Anyone may read a workshop's map (a signed-in participant also sees where they sit); moderators start
runs, see exact make-up counts and older runs, and pin consensus statements as foundation evidence.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from crowd.models import Access
from crowd.security import PUBLIC, form_of, guard
from crowd.services.declaration import foundations
from crowd.services.errors import DomainError
from crowd.services.opinions import map as maps
from crowd.services.opinions import pins, statements
from crowd.services.opinions import runs as opinions
from crowd.services.workshop import workshops
from crowd.templating import flash, is_htmx, render
from crowd.web.params import integer


def _is_moderator(request: Request) -> bool:
    user = request.state.user
    return bool(user and user.access.allows(Access.MODERATOR))


def _workshop(request: Request, session):
    return workshops.get_workshop(session, request.path_params["slug"], include_drafts=_is_moderator(request))


def _thresholds(request: Request) -> dict:
    settings = request.app.state.settings
    return {"min_votes": settings.opinion_min_votes, "small": settings.small_cell_threshold}


def _map_context(request: Request, session, workshop, *, run_id: int | None = None) -> dict:
    moderator = _is_moderator(request)
    user = request.state.user
    if run_id is not None and moderator:
        run = opinions.get_run(session, workshop_id=workshop.id, run_id=run_id)
    else:
        run = opinions.latest_finished(session, workshop_id=workshop.id)
    latest = opinions.latest_run(session, workshop_id=workshop.id)
    context = {
        "workshop": workshop,
        "moderator": moderator,
        "run": run,
        "map": maps.build_map(
            session,
            run=run,
            slug=workshop.slug,
            viewer_id=user.id if user else None,
            exact=moderator,
            **_thresholds(request),
        )
        if run
        else None,
        "running": latest if latest is not None and not latest.finished else None,
        "pin_errors": {},
    }
    if moderator:
        context.update(
            runs=opinions.recent_runs(session, workshop_id=workshop.id),
            foundations=foundations.list_foundations(session),
        )
    return context


@guard(PUBLIC)
def opinion_map(request: Request) -> Response:
    with request.app.state.db.read() as session:
        workshop = _workshop(request, session)
        context = _map_context(request, session, workshop, run_id=integer(request.query_params.get("run")))
    return render(request, "opinions/map.html", context)


@guard(Access.MODERATOR, write=True)
def start_run(request: Request) -> Response:
    db = request.app.state.db
    with db.read() as session:
        workshop = _workshop(request, session)
    try:
        run = opinions.start_run(db, workshop_id=workshop.id, actor_id=request.state.user.id, background=True)
    except DomainError as error:
        if error.status_code == 404:
            raise
        flash(request, error.message, "warning")
        return RedirectResponse(f"/w/{workshop.slug}/opinions", status_code=303)
    flash(request, f"Opinion analysis {run.id} has started. This page shows the new map when it finishes.")
    return RedirectResponse(f"/w/{workshop.slug}/opinions", status_code=303)


@guard(Access.MODERATOR)
def run_status(request: Request) -> Response:
    """The status of one run: the htmx poll target while a background run is going."""
    with request.app.state.db.read() as session:
        workshop = _workshop(request, session)
        run = opinions.get_run(session, workshop_id=workshop.id, run_id=request.path_params["run_id"])
    response = render(request, "partials/opinion_run_status.html", {"workshop": workshop, "running": run})
    if is_htmx(request) and run.finished:
        response.headers["HX-Refresh"] = "true"  # reload the page to draw the new map
    return response


@guard(Access.MODERATOR, write=True)
def pin(request: Request) -> Response:
    data = form_of(request)
    run_id, contribution_id = integer(data.get("run_id")), integer(data.get("contribution_id"))
    foundation_id = integer(data.get("foundation_id"))
    db = request.app.state.db
    with db.read() as session:
        workshop = _workshop(request, session)
    try:
        if foundation_id is None:
            raise DomainError("Choose the foundation this statement is evidence for.", field="foundation_id")
        if run_id is None or contribution_id is None:
            raise DomainError("Choose a statement from the consensus list.", field="contribution_id")
        with db.write() as session:
            opinions.get_run(session, workshop_id=workshop.id, run_id=run_id)
            pins.pin_consensus(
                session,
                actor_id=request.state.user.id,
                run_id=run_id,
                contribution_id=contribution_id,
                foundation_id=foundation_id,
                min_votes=request.app.state.settings.opinion_min_votes,
            )
    except DomainError as error:
        with db.read() as session:
            context = _map_context(request, session, workshop, run_id=run_id)
        context["pin_errors"] = {contribution_id: error.message}
        context["pin_error"] = error.message
        return render(request, "opinions/map.html", context, status_code=error.status_code)
    flash(request, "Pinned: the statement is now a quote in the foundation's evidence.")
    return RedirectResponse(f"/w/{workshop.slug}/opinions#consensus", status_code=303)


@guard(PUBLIC)
def all_statements(request: Request) -> Response:
    """Every statement of the shown run, ranked by consensus, division, votes or importance marks."""
    moderator = _is_moderator(request)
    params = request.query_params
    sort = statements.parse_sort(params.get("sort"))
    with request.app.state.db.read() as session:
        workshop = _workshop(request, session)
        run_id = integer(params.get("run"))
        if run_id is not None and moderator:
            run = opinions.get_run(session, workshop_id=workshop.id, run_id=run_id)
        else:
            run = opinions.latest_finished(session, workshop_id=workshop.id)
        listing = (
            statements.statement_page(
                session,
                run=run,
                slug=workshop.slug,
                sort=sort,
                page=integer(params.get("page")) or 1,
                min_votes=request.app.state.settings.opinion_min_votes,
            )
            if run is not None
            else None
        )
        pinnable = foundations.list_foundations(session) if moderator else []
    context = {
        "workshop": workshop,
        "run": run,
        "listing": listing,
        "sorts": list(statements.StatementSort),
        "moderator": moderator,
        "foundations": pinnable,
    }
    return render(request, "opinions/statements.html", context)
