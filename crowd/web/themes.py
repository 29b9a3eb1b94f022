"""Theme runs and themes for moderators; similar ideas while a participant types.

Routes only queue runs and read what workers wrote: nothing here embeds a corpus or clusters.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from crowd.models import Access, ThemeRun, Workshop
from crowd.security import check_rate, form_of, guard
from crowd.services import signals
from crowd.services.errors import DomainError
from crowd.services.themes import citations, embeddings
from crowd.services.themes import curated as themes
from crowd.services.themes import runs as theme_runs
from crowd.services.workshop import votes, workshops
from crowd.templating import flash, is_htmx, render
from crowd.web.params import integer


def _themes_context(session, workshop: Workshop) -> dict:
    return {
        "workshop": workshop,
        "themes": themes.list_themes(session, workshop_id=workshop.id),
        "active": theme_runs.active_run(session, workshop_id=workshop.id),
        "latest": themes.latest_good_run(session, workshop_id=workshop.id),
        "runs": theme_runs.list_runs(session, workshop_id=workshop.id, limit=1),
        "form": {"min_cluster_size": ""},
        "error": None,
    }


@guard(Access.MODERATOR)
def theme_list(request: Request) -> Response:
    with request.app.state.db.read() as session:
        context = _themes_context(
            session, workshops.workshop_by_id(session, request.path_params["workshop_id"])
        )
    return render(request, "themes/list.html", context)


@guard(Access.MODERATOR)
def run_list(request: Request) -> Response:
    with request.app.state.db.read() as session:
        workshop = workshops.workshop_by_id(session, request.path_params["workshop_id"])
        runs = theme_runs.list_runs(session, workshop_id=workshop.id)
    return render(request, "themes/runs.html", {"workshop": workshop, "runs": runs})


@guard(Access.MODERATOR, write=True)
def start_run(request: Request) -> Response:
    workshop_id = request.path_params["workshop_id"]
    raw = str(form_of(request).get("min_cluster_size", ""))
    try:
        with request.app.state.db.write() as session:
            params = theme_runs.parse_params(min_cluster_size=raw)
            run = theme_runs.start_run(
                session, workshop_id=workshop_id, actor_id=request.state.user.id, params=params
            )
    except DomainError as error:
        if error.status_code == 404:
            raise
        with request.app.state.db.read() as session:
            context = _themes_context(session, workshops.workshop_by_id(session, workshop_id))
        context.update(form={"min_cluster_size": raw}, error=error)
        return render(request, "themes/list.html", context, status_code=error.status_code)
    signals.CONTRIBUTION_POSTED.set()  # wake an in-process worker now rather than at its next poll
    flash(request, "The theme run is queued. This page shows its progress.")
    return RedirectResponse(f"/manage/workshops/{workshop_id}/themes/runs/{run.id}", status_code=303)


@guard(Access.MODERATOR)
def run_page(request: Request) -> Response:
    with request.app.state.db.read() as session:
        workshop = workshops.workshop_by_id(session, request.path_params["workshop_id"])
        run = theme_runs.get_run(session, request.path_params["run_id"], workshop_id=workshop.id)
        context = {"workshop": workshop, "run": run, **_snapshot(session, run)}
    if is_htmx(request):
        return render(request, "partials/run_progress.html", context)
    return render(request, "themes/run.html", context)


def _snapshot(session, run: ThemeRun) -> dict:
    if not run.finished:
        return {"run_themes": [], "foundations": []}
    run_themes, foundations = themes.run_contents(session, run)
    return {"run_themes": run_themes, "foundations": foundations}


@guard(Access.MODERATOR)
def theme_page(request: Request) -> Response:
    page = integer(request.query_params.get("page"), 1)
    with request.app.state.db.read() as session:
        theme = themes.get_theme(session, request.path_params["theme_id"])
        workshop = workshops.workshop_by_id(session, theme.workshop_id)
        members = themes.members_of(session, theme_id=theme.id, page=page)
        context = {"workshop": workshop, "theme": theme, "members": members}
        if is_htmx(request) and request.headers.get("hx-target") == "theme-members":
            return render(request, "partials/theme_members.html", context)
        latest = themes.latest_good_run(session, workshop_id=workshop.id)
        context.update(
            support=themes.support_of(session, theme_id=theme.id),
            quotes=(quotes := themes.representative_quotes(session, theme=theme)),
            quote_links=citations.links(session, [q.contribution.id for q in quotes]),
            sizes=themes.member_counts(session, theme_id=theme.id),
            description_draft=None
            if theme.curated
            else citations.description_draft(
                session, description=theme.description, description_ids=theme.description_ids
            ),
            last_run=themes.run_or_none(session, theme.last_run_id),
            created_run=themes.run_or_none(session, theme.created_in_run_id),
            found_in_latest=latest is not None and theme.last_run_id == latest.id,
        )
    return render(request, "themes/theme.html", context)


@guard(Access.PARTICIPANT)
def similar(request: Request) -> Response:
    """Up to three similar ideas for the text being typed; empty when the model is not loaded."""
    settings = request.app.state.settings
    check_rate(request, settings.rate_limit_heavy, "heavy")  # an embedding per call: limited like a write
    text = request.query_params.get("text", "")[:2000]
    context: dict = {"items": [], "tallies": {}, "open": False}
    model = embeddings.embedder(load=False) if settings.embeddings_enabled else None
    if settings.embeddings_enabled and model is None:
        embeddings.MODEL.load_in_background()  # ready for the next keystroke; this one is not kept waiting
    if model is not None:
        with request.app.state.db.read() as session:
            workshop = workshops.get_workshop(session, request.path_params["slug"])
            items = embeddings.similar_ideas(session, workshop_id=workshop.id, text=text, model=model)
            mine = votes.my_votes(
                session,
                participant_id=request.state.user.id,
                contribution_ids=[s.contribution.id for s in items],
            )
            context.update(
                workshop=workshop,
                items=items,
                tallies={
                    s.contribution.id: votes.tally_of(s.contribution, mine.get(s.contribution.id))
                    for s in items
                },
                open=workshops.effective_status(workshop).value == "open",
            )
    return render(request, "partials/similar_ideas.html", context)
