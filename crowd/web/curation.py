"""The design group's curation workspace: the theme board, the theme workspace and its actions.

Routes parse, authorise (moderators and above), call crowd.services.curation (labels, merging,
splitting, moving, promotion) and render. Every action answers an htmx request with the partial it
changed (the board table or the theme workspace) and a plain form post with a redirect, so the pages
work without JavaScript. A refused action re-renders the
page with the message (400, or 409 for a concurrent edit) and stores nothing; an htmx request gets the
same partial with the message at its top (htmx does not swap error statuses).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from crowd.models import Access, Theme, Workshop
from crowd.security import form_of, guard
from crowd.services.curation import board as curation_board
from crowd.services.curation import consensus, editing, labels, merging, moving, promotion, splitting
from crowd.services.curation import log as curation_log
from crowd.services.curation import unthemed as curation_unthemed
from crowd.services.declaration import foundations
from crowd.services.errors import DomainError
from crowd.services.themes import citations
from crowd.services.themes import curated as themes
from crowd.services.themes import runs as theme_runs
from crowd.services.workshop import workshops
from crowd.templating import flash, is_htmx, render
from crowd.web.params import integer, integers

MEMBERS_PAGE = 50


# ---------------------------------------------------------------- the board


def _board_context(request: Request, session, workshop: Workshop, error: DomainError | None = None) -> dict:
    params = request.query_params
    show = params.get("show", "") if params.get("show", "") in curation_board.FILTERS else ""
    sort = params.get("sort", "size") if params.get("sort", "size") in curation_board.SORTS else "size"
    q = params.get("q", "")[:100]
    latest = themes.latest_good_run(session, workshop_id=workshop.id)
    candidates = curation_board.candidates_of(session, run_id=latest.id) if latest else []
    return {
        "workshop": workshop,
        "board": curation_board.board(session, workshop_id=workshop.id, show=show, sort=sort, q=q),
        "show": show,
        "sort": sort,
        "q": q,
        "filters": curation_board.FILTERS,
        "sorts": curation_board.SORTS,
        "recent": curation_log.recent(session, workshop_id=workshop.id),
        "candidates": candidates,
        "unthemed": curation_unthemed.unthemed(session, workshop_id=workshop.id, page_size=1),
        "active": theme_runs.active_run(session, workshop_id=workshop.id),
        "error": error,
        "consensus": consensus,
    }


@guard(Access.MODERATOR)
def board(request: Request) -> Response:
    with request.app.state.db.read() as session:
        context = _board_context(
            request, session, workshops.workshop_by_id(session, request.path_params["workshop_id"])
        )
    if is_htmx(request) and request.headers.get("hx-target") == "board-table":
        return render(request, "partials/board_table.html", context)
    return render(request, "curation/board.html", context)


@guard(Access.MODERATOR, write=True)
def merge(request: Request) -> Response:
    workshop_id = request.path_params["workshop_id"]
    form = form_of(request)
    ids = integers(form.getlist("theme_ids"))
    versions = {i: v for i in ids if (v := integer(form.get(f"version_{i}"))) is not None}
    try:
        with request.app.state.db.write() as session:
            workshops.workshop_by_id(session, workshop_id)
            target = merging.merge(
                session,
                actor_id=request.state.user.id,
                theme_ids=ids,
                versions=versions,
                into_id=integer(form.get("into_id")),
                workshop_id=workshop_id,
            )
            label = target.label
    except DomainError as error:
        if error.status_code == 404:
            raise
        return _board_error(request, workshop_id, error)
    return _board_done(request, workshop_id, f'Merged into "{label}".')


def _board_error(request: Request, workshop_id: int, error: DomainError) -> Response:
    with request.app.state.db.read() as session:
        context = _board_context(request, session, workshops.workshop_by_id(session, workshop_id), error)
    if is_htmx(request):
        return render(request, "partials/board_table.html", context)
    return render(request, "curation/board.html", context, status_code=error.status_code)


def _board_done(request: Request, workshop_id: int, message: str) -> Response:
    if is_htmx(request):
        with request.app.state.db.read() as session:
            context = _board_context(request, session, workshops.workshop_by_id(session, workshop_id))
        context["done"] = message
        return render(request, "partials/board_table.html", context)
    flash(request, message)
    return RedirectResponse(f"/manage/workshops/{workshop_id}/themes/board", status_code=303)


# ---------------------------------------------------------------- the theme workspace


def _theme_context(request: Request, session, theme: Theme, error: DomainError | None = None) -> dict:
    page = integer(request.query_params.get("page"), 1) or 1
    workshop = workshops.workshop_by_id(session, theme.workshop_id)
    members = themes.members_of(session, theme_id=theme.id, page=page, page_size=MEMBERS_PAGE)
    latest = themes.latest_good_run(session, workshop_id=workshop.id)
    targets = [
        t
        for t in themes.other_active_themes(session, workshop_id=workshop.id, theme_id=theme.id)
        if latest is not None and t.last_run_id == latest.id
    ]
    shares = consensus.by_contribution(session, contribution_ids=[c.id for _, c in members.rows])
    quotes = themes.representative_quotes(session, theme=theme)
    return {
        "workshop": workshop,
        "theme": theme,
        "members": members,
        "member_shares": shares,
        "theme_shares": consensus.by_theme(session, theme_ids=[theme.id])[theme.id],
        "consensus_items": consensus.statements_of_theme(
            session, theme_id=theme.id, verdict=consensus.Verdict.CONSENSUS, limit=5
        ),
        "divisive_items": consensus.statements_of_theme(
            session, theme_id=theme.id, verdict=consensus.Verdict.DIVISIVE, limit=5
        ),
        "support": themes.support_of(session, theme_id=theme.id),
        "sizes": themes.member_counts(session, theme_id=theme.id),
        "quotes": quotes,
        "quote_links": citations.links(session, [q.contribution.id for q in quotes]),
        "description_draft": None
        if theme.curated
        else citations.description_draft(
            session, description=theme.description, description_ids=theme.description_ids
        ),
        "targets": targets,
        "foundations": foundations.list_foundations(session),
        "linked": promotion.foundations_of(session, theme_id=theme.id),
        "last_action": curation_log.latest_for(session, theme_id=theme.id, workshop_id=workshop.id),
        "latest": latest,
        "found_in_latest": latest is not None and theme.last_run_id == latest.id,
        "last_run": themes.run_or_none(session, theme.last_run_id),
        "editable": theme.status in editing.EDITABLE,
        "merged_into": themes.theme_or_none(session, theme.merged_into_id),
        "error": error,
        "form": {},
        "consensus": consensus,
        "page_size": MEMBERS_PAGE,
    }


@guard(Access.MODERATOR)
def theme_workspace(request: Request) -> Response:
    with request.app.state.db.read() as session:
        context = _theme_context(request, session, themes.get_theme(session, request.path_params["theme_id"]))
    if is_htmx(request) and request.headers.get("hx-target") == "curate-theme":
        return render(request, "partials/curate_theme.html", context)
    return render(request, "curation/theme.html", context)


def _theme_error(request: Request, theme_id: int, error: DomainError, form: dict | None = None) -> Response:
    with request.app.state.db.read() as session:
        context = _theme_context(request, session, themes.get_theme(session, theme_id), error)
    context["form"] = form or {}
    if is_htmx(request):
        return render(request, "partials/curate_theme.html", context)
    return render(request, "curation/theme.html", context, status_code=error.status_code)


def _theme_done(request: Request, theme_id: int, message: str) -> Response:
    if is_htmx(request):
        with request.app.state.db.read() as session:
            context = _theme_context(request, session, themes.get_theme(session, theme_id))
        context["done"] = message
        return render(request, "partials/curate_theme.html", context)
    flash(request, message)
    return RedirectResponse(f"/manage/themes/{theme_id}/curate", status_code=303)


def _act(request: Request, perform, *, form_echo: dict | None = None) -> Response:
    """Run ``perform(session, actor_id, form) -> (theme id to show, message)`` in one write."""
    theme_id = request.path_params["theme_id"]
    form = form_of(request)
    try:
        with request.app.state.db.write() as session:
            themes.get_theme(session, theme_id)
            show_id, message = perform(session, request.state.user.id, form)
    except DomainError as error:
        if error.status_code == 404:
            raise
        return _theme_error(request, theme_id, error, form_echo)
    if show_id != theme_id and not is_htmx(request):
        flash(request, message)
        return RedirectResponse(f"/manage/themes/{show_id}/curate", status_code=303)
    return _theme_done(request, show_id if show_id == theme_id else theme_id, message)


@guard(Access.MODERATOR, write=True)
def rename(request: Request) -> Response:
    form = form_of(request)
    echo = {"label": str(form.get("label", "")), "description": str(form.get("description", ""))}

    def perform(session, actor_id, form):
        theme = labels.rename(
            session,
            actor_id=actor_id,
            theme_id=request.path_params["theme_id"],
            version=integer(form.get("version")),
            label=echo["label"],
            description=echo["description"],
        )
        return theme.id, f'Renamed to "{theme.label}".'

    return _act(request, perform, form_echo=echo)


@guard(Access.MODERATOR, write=True)
def marks(request: Request) -> Response:
    def flag(name: str) -> bool | None:
        raw = form_of(request).get(name)
        return None if raw is None else raw == "yes"

    def perform(session, actor_id, form):
        theme = labels.set_marks(
            session,
            actor_id=actor_id,
            theme_id=request.path_params["theme_id"],
            version=integer(form.get("version")),
            reviewed=flag("reviewed"),
            out_of_scope=flag("out_of_scope"),
        )
        return theme.id, "Saved."

    return _act(request, perform)


@guard(Access.MODERATOR, write=True)
def split(request: Request) -> Response:
    form = form_of(request)
    echo = {"k": str(form.get("k", "")), "label": str(form.get("label", ""))}

    def perform(session, actor_id, form):
        theme_id = request.path_params["theme_id"]
        version = integer(form.get("version"))
        if form.get("mode") == "pick":
            made = splitting.split_pick(
                session,
                actor_id=actor_id,
                theme_id=theme_id,
                version=version,
                contribution_ids=integers(form.getlist("contribution_ids")),
                label=echo["label"],
            )
            return theme_id, f'Took {made[0].size} contributions out into "{made[0].label}".'
        k = integer(form.get("k"))
        if k is None:
            raise DomainError("Enter the number of parts, for example 2.", field="k")
        made = splitting.split_kmeans(session, actor_id=actor_id, theme_id=theme_id, version=version, k=k)
        return made[0].id, f"Split into {len(made)} themes."

    return _act(request, perform, form_echo=echo)


@guard(Access.MODERATOR, write=True)
def move(request: Request) -> Response:
    def perform(session, actor_id, form):
        target = integer(form.get("to_theme_id"))
        if target is None:
            raise DomainError("Choose the theme to move the contributions into.", field="to_theme_id")
        moved = moving.move(
            session,
            actor_id=actor_id,
            theme_id=request.path_params["theme_id"],
            version=integer(form.get("version")),
            contribution_ids=integers(form.getlist("contribution_ids")),
            to_theme_id=target,
        )
        return request.path_params["theme_id"], f'Moved to "{moved.label}".'

    return _act(request, perform)


@guard(Access.MODERATOR, write=True)
def pin(request: Request) -> Response:
    def perform(session, actor_id, form):
        foundation_id = integer(form.get("foundation_id"))
        contribution_id = integer(form.get("contribution_id"))
        if foundation_id is None or contribution_id is None:
            raise DomainError("Choose a foundation to pin the quote to.", field="foundation_id")
        promotion.pin_quote(
            session,
            actor_id=actor_id,
            theme_id=request.path_params["theme_id"],
            contribution_id=contribution_id,
            foundation_id=foundation_id,
        )
        return request.path_params["theme_id"], "Pinned as evidence."

    return _act(request, perform)


@guard(Access.MODERATOR, write=True)
def group(request: Request) -> Response:
    def perform(session, actor_id, form):
        foundation_id = integer(form.get("foundation_id"))
        if foundation_id is None:
            raise DomainError("Choose a foundation.", field="foundation_id")
        promotion.group_under(
            session, actor_id=actor_id, theme_id=request.path_params["theme_id"], foundation_id=foundation_id
        )
        return request.path_params["theme_id"], "Grouped under the foundation."

    return _act(request, perform)


@guard(Access.MODERATOR, write=True)
def promote(request: Request) -> Response:
    def perform(session, actor_id, form):
        foundation = promotion.promote_theme(
            session, actor_id=actor_id, theme_id=request.path_params["theme_id"]
        )
        return request.path_params["theme_id"], f'Made the foundation "{foundation.title}".'

    return _act(request, perform)


@guard(Access.MODERATOR, write=True)
def promote_candidate(request: Request) -> Response:
    with request.app.state.db.write() as session:
        foundation = promotion.promote_candidate(
            session, actor_id=request.state.user.id, candidate_id=request.path_params["candidate_id"]
        )
        foundation_id = foundation.id
    flash(request, f'Made the foundation "{foundation.title}" from the candidate.')
    return RedirectResponse(f"/foundations/{foundation_id}", status_code=303)


@guard(Access.MODERATOR, write=True)
def undo(request: Request) -> Response:
    back = str(form_of(request).get("back", ""))
    try:
        with request.app.state.db.write() as session:
            action = curation_log.undo(
                session, actor_id=request.state.user.id, action_id=request.path_params["action_id"]
            )
            summary, workshop_id = action.summary, action.workshop_id
            theme_ids = list(action.theme_ids)
    except DomainError as error:
        if error.status_code == 404:
            raise
        theme_id = integer(back)
        if theme_id is not None:
            return _theme_error(request, theme_id, error)
        with request.app.state.db.read() as session:
            action = curation_log.get_action(session, request.path_params["action_id"])
        return _board_error(request, action.workshop_id, error)
    message = f"Undone: {summary}"
    theme_id = integer(back)
    if theme_id is not None:
        with request.app.state.db.read() as session:
            exists = themes.theme_exists(session, theme_id)
        if exists:
            return _theme_done(request, theme_id, message)
        theme_id = theme_ids[0] if theme_ids else None
    return _board_done(request, workshop_id, message)


@guard(Access.MODERATOR)
def foundation_themes(request: Request) -> Response:
    """The themes grouped under a foundation (linked from the foundation's page)."""
    with request.app.state.db.read() as session:
        foundation = foundations.get_foundation(session, request.path_params["foundation_id"])
        grouped = promotion.themes_of_foundation(session, foundation_id=foundation.id)
    return render(request, "curation/foundation_themes.html", {"foundation": foundation, "themes": grouped})


# ---------------------------------------------------------------- unthemed contributions


def _unthemed_context(
    request: Request, session, workshop: Workshop, error: DomainError | None = None
) -> dict:
    page = integer(request.query_params.get("page"), 1) or 1
    return {
        "workshop": workshop,
        "unthemed": curation_unthemed.unthemed(session, workshop_id=workshop.id, page=page),
        "targets": curation_unthemed.targets(session, workshop_id=workshop.id),
        "latest": themes.latest_good_run(session, workshop_id=workshop.id),
        "error": error,
    }


@guard(Access.MODERATOR)
def unthemed(request: Request) -> Response:
    with request.app.state.db.read() as session:
        context = _unthemed_context(
            request, session, workshops.workshop_by_id(session, request.path_params["workshop_id"])
        )
    if is_htmx(request) and request.headers.get("hx-target") == "unthemed-list":
        return render(request, "partials/unthemed_list.html", context)
    return render(request, "curation/unthemed.html", context)


@guard(Access.MODERATOR, write=True)
def move_unthemed(request: Request) -> Response:
    workshop_id = request.path_params["workshop_id"]
    form = form_of(request)
    try:
        with request.app.state.db.write() as session:
            workshops.workshop_by_id(session, workshop_id)
            target = integer(form.get("to_theme_id"))
            if target is None:
                raise DomainError("Choose the theme to move the contributions into.", field="to_theme_id")
            moved = curation_unthemed.move_into(
                session,
                actor_id=request.state.user.id,
                workshop_id=workshop_id,
                contribution_ids=integers(form.getlist("contribution_ids")),
                to_theme_id=target,
            )
            message = f'Moved into "{moved.label}".'
    except DomainError as error:
        if error.status_code == 404:
            raise
        with request.app.state.db.read() as session:
            context = _unthemed_context(
                request, session, workshops.workshop_by_id(session, workshop_id), error
            )
        if is_htmx(request):
            return render(request, "partials/unthemed_list.html", context)
        return render(request, "curation/unthemed.html", context, status_code=error.status_code)
    if is_htmx(request):
        with request.app.state.db.read() as session:
            context = _unthemed_context(request, session, workshops.workshop_by_id(session, workshop_id))
        context["done"] = message
        return render(request, "partials/unthemed_list.html", context)
    flash(request, message)
    return RedirectResponse(f"/manage/workshops/{workshop_id}/themes/unthemed", status_code=303)
