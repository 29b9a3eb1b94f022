"""The public declaration: stable addresses, feedback on paragraphs, 'Do you support it?', changes."""

from __future__ import annotations

import secrets

from limits import parse as parse_limit
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from crowd.models import Access
from crowd.security import PUBLIC, RateLimited, form_of, guard, rate_key
from crowd.services.declaration import feedback, provenance
from crowd.services.declaration import versions as declarations
from crowd.services.declaration.diff import diff_declarations
from crowd.services.declaration.outcomes import format_value
from crowd.services.declaration.snapshot import paragraphs
from crowd.services.errors import DomainError, NotFound
from crowd.templating import flash, is_htmx, render
from crowd.web.limits import check_address_rate
from crowd.web.params import session_value

# Feedback and support answers from one visitor (IP or participant, and browser session) per minute.
FEEDBACK_LIMIT = "6/minute"
SUPPORT_LIMIT = "20/minute"


def visitor_of(request: Request) -> str:
    """A participant's own key, or a random key kept in an anonymous visitor's session."""
    user = request.state.user
    if user is not None:
        return f"p:{user.id}"
    key = session_value(request, "visitor")
    if not key:
        key = secrets.token_urlsafe(16)
        request.session["visitor"] = key
    return f"s:{key}"


def check_visitor_rate(request: Request, limit: str, scope: str) -> None:
    """Rate-limit by IP (or participant) and by browser session, whichever runs out first."""
    limiter = request.app.state.limiter
    if not limiter.enabled:
        return
    for key in {rate_key(request), visitor_of(request)}:
        if not limiter.limiter.hit(parse_limit(limit), f"declaration-{scope}", key):
            raise RateLimited(limit)


def _support_context(session, request: Request, version) -> dict:
    return {
        "declaration": version,
        "support": feedback.support_results(session, declaration_id=version.id, visitor=visitor_of(request)),
    }


def version_context(request: Request, session, version, **extra) -> dict:
    snapshot = version.snapshot
    chosen = request.query_params.get("paragraph", feedback.WHOLE)
    context = {
        "snapshot": snapshot,
        "declaration": version,
        "preamble": list(enumerate(paragraphs(snapshot["preamble"]), start=1)),
        "paragraph_options": feedback.paragraphs_of(snapshot),
        "chosen": feedback.paragraph_of(snapshot, chosen) or feedback.paragraph_of(snapshot, feedback.WHOLE),
        "feedback": feedback.recent_feedback(session, declaration=version),
        "versions": declarations.published_versions(session),
        "feedback_error": None,
        "feedback_text": "",
        "draft": False,
        "shaped": provenance.shaped_by(session, version=version),
        **_support_context(session, request, version),
    }
    context.update(extra)
    return context


@guard(PUBLIC)
def latest(request: Request) -> Response:
    with request.app.state.db.read() as session:
        version = declarations.latest_published(session)
        if version is None:
            return render(request, "declaration/unpublished.html", status_code=404)
        context = version_context(request, session, version)
    return render(request, "declaration/version.html", context)


@guard(PUBLIC)
def version_page(request: Request) -> Response:
    with request.app.state.db.read() as session:
        version = declarations.published_version(session, request.path_params["number"])
        context = version_context(request, session, version)
    return render(request, "declaration/version.html", context)


@guard(PUBLIC)
def foundation_page(request: Request) -> Response:
    slug = request.path_params["slug"]
    with request.app.state.db.read() as session:
        version = declarations.published_version(session)
        snapshot = version.snapshot
        found = [(i, f) for i, f in enumerate(snapshot["foundations"], start=1) if f["slug"] == slug]
        if not found:
            raise NotFound("This foundation is not part of the published declaration.")
        number, foundation = found[0]
    context = {
        "snapshot": snapshot,
        "declaration": version,
        "foundation": foundation,
        "number": number,
        "fmt": format_value,
    }
    return render(request, "declaration/foundation.html", context)


@guard(PUBLIC, write=True)
def leave_feedback(request: Request) -> Response:
    number = request.path_params["number"]
    data = form_of(request)
    paragraph, text = str(data.get("paragraph", feedback.WHOLE)), str(data.get("text", ""))
    check_visitor_rate(request, FEEDBACK_LIMIT, "feedback")
    try:
        with request.app.state.db.write() as session:
            version = declarations.published_version(session, number)
            feedback.leave_feedback(
                session, declaration=version, paragraph=paragraph, text=text, author=request.state.user
            )
    except DomainError as error:
        if error.status_code == 404:
            raise
        with request.app.state.db.read() as session:
            version = declarations.published_version(session, number)
            context = version_context(
                request,
                session,
                version,
                feedback_error=error.message,
                feedback_text=text,
                chosen=feedback.paragraph_of(version.snapshot, paragraph)
                or feedback.paragraph_of(version.snapshot, feedback.WHOLE),
            )
        return render(request, "declaration/version.html", context, status_code=400)
    flash(request, "Thank you: your comment is recorded and will shape the next version.")
    return RedirectResponse(f"/declaration/v/{number}#feedback", status_code=303)


@guard(PUBLIC, write=True)
def answer_support(request: Request) -> Response:
    number = request.path_params["number"]
    choice = feedback.parse_support(str(form_of(request).get("choice", "")))
    check_visitor_rate(request, SUPPORT_LIMIT, "support")
    check_address_rate(
        request, "support", f"support:{number}"
    )  # per version and address, however many cookies
    user = request.state.user
    with request.app.state.db.write() as session:
        version = declarations.published_version(session, number)
        feedback.answer_support(
            session,
            declaration_id=version.id,
            visitor=visitor_of(request),
            participant_id=user.id if user else None,
            choice=choice,
        )
        context = _support_context(session, request, version)
    if is_htmx(request):
        return render(request, "partials/decl_support.html", context)
    flash(request, "Thank you: your answer is recorded.")
    return RedirectResponse(f"/declaration/v/{number}#support", status_code=303)


@guard(PUBLIC)
def changes(request: Request) -> Response:
    """/declaration/changes?from=1&to=2: what changed between two published versions."""
    params = request.query_params
    with request.app.state.db.read() as session:
        versions = declarations.published_versions(session)
        if len(versions) < 1:
            raise NotFound("No declaration has been published yet.")
        newest = versions[0].number

        def number(name: str, default: int) -> int:
            try:
                return int(params.get(name, default))
            except ValueError:
                return default

        new = declarations.published_version(session, number("to", newest))
        old = declarations.published_version(session, number("from", max(1, (new.number or 1) - 1)))
    parts = diff_declarations(old.snapshot, new.snapshot)
    context = {"old": old, "new": new, "parts": parts, "versions": versions}
    return render(request, "declaration/diff.html", context)


def draft_preview_context(request: Request, session, draft_id: int) -> dict:
    """The public page's context for a draft (moderators' preview, marked DRAFT, no feedback)."""
    if not request.state.user or not request.state.user.access.allows(Access.MODERATOR):
        raise NotFound("There is no such draft.")
    snapshot = declarations.snapshot_of_draft(
        session, base_url=request.app.state.settings.base_url, declaration_id=draft_id
    )
    return {
        "snapshot": snapshot,
        "declaration": declarations.get_draft(session, draft_id),
        "preamble": list(enumerate(paragraphs(snapshot["preamble"]), start=1)),
        "paragraph_options": [],
        "chosen": None,
        "feedback": [],
        "versions": declarations.published_versions(session),
        "draft": True,
    }
