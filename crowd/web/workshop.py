"""The workshop as participants see it: the draft, ideas, comments, votes and the straw poll."""

from __future__ import annotations

from dataclasses import replace

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from crowd import page_cache
from crowd.models import Access, Contribution, Participant, PollAnswer, Section, Workshop
from crowd.security import PUBLIC, csrf_token, form_of, guard
from crowd.services.declaration import easy_read
from crowd.services.errors import DomainError
from crowd.services.workshop import contributions, polls, safeguarding, votes, workshops
from crowd.templating import easy_read_on, flash, is_htmx, macros, render, render_macro
from crowd.web.params import integer


def _viewer_id(request: Request) -> int | None:
    user = request.state.user
    return user.id if user else None


def _include_drafts(request: Request) -> bool:
    user = request.state.user
    return bool(user and user.access.allows(Access.LEAD))


@guard(PUBLIC)
def home(request: Request) -> Response:
    with request.app.state.db.read() as session:
        items = workshops.list_workshops(session, include_drafts=_include_drafts(request))
    statuses = {w.id: workshops.effective_status(w) for w in items}
    return render(request, "home.html", {"workshops": items, "statuses": statuses})


def _shared_workshop(request: Request, session, slug: str, *, include_drafts: bool = False):
    """The workshop at `slug` and its sections, from the app's page cache (crowd/page_cache.py)."""

    def load():
        workshop = workshops.get_workshop(session, slug, include_drafts=True)
        return workshop, workshops.sections(session, workshop.id)

    workshop, sections = request.app.state.pages.get(
        ("workshop", slug), page_cache.depends(Workshop, Section), load
    )
    workshops.check_visible(workshop, include_drafts=include_drafts)
    return workshop, sections


class _Shown:
    """A cached idea with this moment's vote counts (the cache does not trust its own counts)."""

    __slots__ = ("_idea", "agree_count", "disagree_count", "pass_count")

    def __init__(self, idea: Contribution, counts: tuple[int, int, int] | None) -> None:
        self._idea = idea
        self.agree_count, self.disagree_count, self.pass_count = counts or (
            idea.agree_count,
            idea.disagree_count,
            idea.pass_count,
        )

    def __getattr__(self, name: str):
        return getattr(self._idea, name)


def _idea_list_context(request: Request, session, workshop, sections=None) -> dict:
    params = request.query_params
    options = {
        "workshop_id": workshop.id,
        "sort": params.get("sort", "newest"),
        "query": params.get("q", ""),
        "section_id": integer(params.get("section")),
        "page": integer(params.get("page"), 1) or 1,
    }

    def load():
        page = contributions.list_ideas(session, **options)
        authors = contributions.authors_by_id(session, {i.author_id for i in page.ideas if i.author_id})
        return page, authors, _card_parts(request, page.ideas, authors, workshop.slug, link=True)

    if options["query"].strip():  # searches are each person's own
        page, authors, cards = load()
    else:
        key = ("ideas", *options.values())
        page, authors, cards = request.app.state.pages.get(
            key, page_cache.depends(Contribution, Participant), load
        )
        counts = votes.current_counts(session, [i.id for i in page.ideas])
        page = replace(page, ideas=[_Shown(i, counts.get(i.id)) for i in page.ideas])
    viewer = _viewer_id(request)
    mine = (
        votes.my_votes(session, participant_id=viewer, contribution_ids=[i.id for i in page.ideas])
        if viewer
        else {}
    )
    if sections is None:
        sections = workshops.sections(session, workshop.id)
    sections = {s.id: s for s in sections}
    return {
        "workshop": workshop,
        "listing": page,
        "mine": mine,
        "authors": authors,
        "cards": cards,
        "sections_by_id": sections,
        "sorts": list(contributions.IdeaSort),
        "status": workshops.effective_status(workshop),
    }


@guard(PUBLIC)
def workshop_page(request: Request) -> Response:
    slug = request.path_params["slug"]
    with request.app.state.db.read() as session:
        workshop, sections = _shared_workshop(request, session, slug, include_drafts=_include_drafts(request))
        context = _idea_list_context(request, session, workshop, sections)
        if is_htmx(request) and request.headers.get("hx-target") == "idea-list":
            return render(request, "partials/idea_list.html", context)
        context.update(sections=sections, poll=_poll(request, session, workshop.id))
        if easy_read_on(request):
            context["easy"] = easy_read.points_for(session, "section", [s.id for s in sections])
    return render(request, "workshop/page.html", context)


def _poll(request: Request, session, workshop_id: int) -> polls.PollResults:
    """The straw poll's counts from the page cache (alike for everyone) and the viewer's own answer."""
    counts = request.app.state.pages.get(
        ("poll", workshop_id),
        page_cache.depends(PollAnswer),
        lambda: polls.counts(session, workshop_id=workshop_id),
    )
    return polls.PollResults(
        counts, polls.answer_of(session, workshop_id=workshop_id, participant_id=_viewer_id(request))
    )


@guard(Access.PARTICIPANT, write=True)
def post_idea(request: Request) -> Response:
    form = form_of(request)
    slug = request.path_params["slug"]
    text = str(form.get("text", ""))
    section_id = integer(form.get("section_id"))
    try:
        with request.app.state.db.write() as session:
            workshop = workshops.get_workshop(session, slug)
            posted = contributions.post_idea(
                session, workshop=workshop, section_id=section_id, author=request.state.user, text=text
            )
    except DomainError as error:
        if error.status_code == 404:
            raise
        with request.app.state.db.read() as session:
            workshop = workshops.get_workshop(session, slug)
            context = _idea_list_context(request, session, workshop)
            context.update(
                sections=workshops.sections(session, workshop.id),
                status=workshops.effective_status(workshop),
                poll=polls.results(session, workshop_id=workshop.id, participant_id=request.state.user.id),
                idea_error=error.message,
                idea_text=text,
                idea_section=section_id,
            )
        return render(request, "workshop/page.html", context, status_code=400)
    flash(request, "Thank you: your idea is posted.")
    if posted.masking.kinds:
        flash(request, posted.masking.message, "warning")
    return RedirectResponse(f"/w/{slug}/ideas/{posted.contribution.id}", status_code=303)


def _card_parts(request: Request, items, authors: dict, slug: str, *, link: bool) -> dict:
    """Each item's card top and bottom (macros/votes.html: who, when, the text; the comments link),
    rendered once: alike for every visitor, they are kept with the page cache's entry."""
    module = macros(request, "macros/votes.html")
    return {
        c.id: (module.card_top(c, authors.get(c.author_id)), module.card_bottom(c, slug, link)) for c in items
    }


def _shared_thread(request: Request, session, workshop, idea_id: int):
    """The idea, its comments, their authors and cards from the page cache, with this moment's vote
    counts."""

    def load():
        idea = contributions.get_shown(session, idea_id, workshop_id=workshop.id)
        comments = [] if idea.parent_id else contributions.comments_of(session, idea.id)
        items = [idea, *comments]
        authors = contributions.authors_by_id(session, {c.author_id for c in items if c.author_id})
        return idea, comments, authors, _card_parts(request, items, authors, workshop.slug, link=False)

    key = ("thread", workshop.id, idea_id)
    idea, comments, authors, cards = request.app.state.pages.get(
        key, page_cache.depends(Contribution, Participant), load
    )
    counts = votes.current_counts(session, [c.id for c in [idea, *comments]])
    shown = [_Shown(c, counts.get(c.id)) for c in [idea, *comments]]
    return shown[0], shown[1:], authors, cards


def _thread_context(
    request: Request,
    session,
    workshop,
    idea: Contribution,
    comments=None,
    authors=None,
    sections=None,
    cards=None,
) -> dict:
    if comments is None:
        comments = contributions.comments_of(session, idea.id)
    items = [idea, *comments]
    viewer = _viewer_id(request)
    mine = (
        votes.my_votes(session, participant_id=viewer, contribution_ids=[c.id for c in items])
        if viewer
        else {}
    )
    if sections is None:
        sections = workshops.sections(session, workshop.id)
    if authors is None:
        authors = contributions.authors_by_id(session, {c.author_id for c in items if c.author_id})
    if cards is None:
        cards = _card_parts(request, items, authors, workshop.slug, link=False)
    section = next((s for s in sections if s.id == idea.section_id), None)
    return {
        "workshop": workshop,
        "idea": idea,
        "comments": comments,
        "mine": mine,
        "authors": authors,
        "cards": cards,
        "section": section,
        "status": workshops.effective_status(workshop),
    }


@guard(PUBLIC)
def idea_page(request: Request) -> Response:
    with request.app.state.db.read() as session:
        workshop, sections = _shared_workshop(request, session, request.path_params["slug"])
        thread = _shared_thread(request, session, workshop, request.path_params["idea_id"])
        idea, comments, authors, cards = thread
        if idea.parent_id:
            return RedirectResponse(f"/w/{workshop.slug}/ideas/{idea.parent_id}#c{idea.id}", status_code=303)
        context = _thread_context(request, session, workshop, idea, comments, authors, sections, cards)
    return render(request, "workshop/idea.html", context)


@guard(Access.PARTICIPANT, write=True)
def post_comment(request: Request) -> Response:
    slug, idea_id = request.path_params["slug"], request.path_params["idea_id"]
    text = str(form_of(request).get("text", ""))
    try:
        with request.app.state.db.write() as session:
            workshop = workshops.get_workshop(session, slug)
            posted = contributions.post_comment(
                session, workshop=workshop, parent_id=idea_id, author=request.state.user, text=text
            )
    except DomainError as error:
        if error.status_code == 404:
            raise
        with request.app.state.db.read() as session:
            workshop = workshops.get_workshop(session, slug)
            idea = contributions.get_shown(session, idea_id, workshop_id=workshop.id)
            context = _thread_context(request, session, workshop, idea)
        context.update(comment_error=error.message, comment_text=text)
        return render(request, "workshop/idea.html", context, status_code=400)
    flash(request, "Your comment is posted.")
    if posted.masking.kinds:
        flash(request, posted.masking.message, "warning")
    return RedirectResponse(f"/w/{slug}/ideas/{idea_id}#c{posted.contribution.id}", status_code=303)


@guard(Access.PARTICIPANT, write=True)
async def vote(request: Request) -> Response:
    """The busiest write of a workshop: async, so it waits for the database's writer thread instead of
    holding one of the server's threads (see crowd/db.py)."""
    contribution_id = request.path_params["contribution_id"]
    choice = votes.parse_choice(str(form_of(request).get("choice", "")))
    tally = await request.app.state.db.run_lean(
        votes.record_vote,
        participant_id=request.state.user.id,
        contribution_id=contribution_id,
        choice=choice,
    )
    if is_htmx(request):  # the partial (#votes-ID) is one macro call: rendered straight from the macro
        mine = tally.mine.value if tally.mine else ""
        return render_macro(
            request,
            "macros/votes.html",
            "vote_widget",
            *(tally.contribution_id, tally.agree, tally.disagree, tally.passed, mine, True),
            *(csrf_token(request), request.scope["path"]),
        )
    flash(request, "Your vote is recorded.")
    return RedirectResponse(
        await run_in_threadpool(_voted_item_url, request, contribution_id), status_code=303
    )


def _voted_item_url(request: Request, contribution_id: int) -> str:
    with request.app.state.db.read() as session:
        return contributions.item_address(session, contribution_id)


@guard(Access.PARTICIPANT, write=True)
def answer_poll(request: Request) -> Response:
    slug = request.path_params["slug"]
    choice = polls.parse_choice(str(form_of(request).get("choice", "")))
    with request.app.state.db.write() as session:
        workshop = workshops.get_workshop(session, slug)
        polls.answer(session, workshop=workshop, participant_id=request.state.user.id, choice=choice)
        results = polls.results(session, workshop_id=workshop.id, participant_id=request.state.user.id)
    context = {"workshop": workshop, "poll": results, "status": workshops.effective_status(workshop)}
    if is_htmx(request):
        return render(request, "partials/poll.html", context)
    flash(request, "Thank you: your answer is recorded.")
    return RedirectResponse(f"/w/{slug}#poll", status_code=303)


@guard(Access.PARTICIPANT, write=True)
def flag(request: Request) -> Response:
    contribution_id = request.path_params["contribution_id"]
    at_risk = form_of(request).get("at_risk") == "yes"
    reason = str(form_of(request).get("reason", "")).strip()
    if at_risk:
        reason = f"{safeguarding.AT_RISK}: {reason}" if reason else safeguarding.AT_RISK
    with request.app.state.db.write() as session:
        contribution = contributions.flag(
            session, contribution_id=contribution_id, participant_id=request.state.user.id, reason=reason
        )
        if at_risk:
            safeguarding.escalate(
                session,
                contribution_id=contribution_id,
                raised_by=request.state.user.id,
                source="flag",
                reason=reason,
                settings=request.app.state.settings,
            )
        slug = workshops.slug_of(session, contribution.workshop_id)
    if at_risk:
        flash(request, "Thank you. It has gone to people trained in safeguarding, who will look at it soon.")
    else:
        flash(request, "Thank you. A moderator will look at it.")
    target = contribution.parent_id or contribution.id
    return RedirectResponse(f"/w/{slug}/ideas/{target}", status_code=303)
