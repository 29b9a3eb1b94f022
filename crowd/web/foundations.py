"""The foundations workspace for moderators: text, evidence and outcomes of each foundation."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from crowd.models import Access, Direction, EvidenceKind, OutcomeKind, OutcomeUnit
from crowd.security import form_of, guard
from crowd.services.declaration import foundations, outcomes
from crowd.services.declaration.foundations import FIELD_LABELS, FIELDS, FoundationConflict
from crowd.services.errors import NotFound, ValidationFailed
from crowd.services.themes import citations
from crowd.templating import flash, render
from crowd.web.params import integer

EVIDENCE_FIELDS = ("kind", "title", "text", "citation", "url")
OUTCOME_FIELDS = (
    "name",
    "definition",
    "unit",
    "direction",
    "baseline",
    "target",
    "period",
    "data_source",
    "kind",
)


def _text_form(request: Request) -> dict[str, str]:
    data = form_of(request)
    return {name: str(data.get(name, "")) for name in FIELDS}


@guard(Access.MODERATOR)
def foundation_list(request: Request) -> Response:
    with request.app.state.db.read() as session:
        items = foundations.list_foundations(session)
    return render(request, "foundations/list.html", {"foundations": items, "form": {}, "errors": {}})


@guard(Access.MODERATOR, write=True)
def create(request: Request) -> Response:
    form = _text_form(request)
    try:
        with request.app.state.db.write() as session:
            foundation = foundations.create_foundation(session, actor_id=request.state.user.id, **form)
    except ValidationFailed as failed:
        with request.app.state.db.read() as session:
            items = foundations.list_foundations(session)
        context = {"foundations": items, "form": form, "errors": failed.errors}
        return render(request, "foundations/list.html", context, status_code=400)
    flash(request, f'Foundation "{foundation.title}" created. Add its statement, evidence and outcomes.')
    return RedirectResponse(f"/foundations/{foundation.id}", status_code=303)


def _edit_context(session, foundation_id: int, **extra) -> dict:
    foundation = foundations.get_foundation(session, foundation_id)
    context = {
        "foundation": foundation,
        "form": {name: getattr(foundation, name) for name in FIELDS},
        "loaded_version": foundation.version,
        "errors": {},
        "evidence": foundations.evidence_of(session, foundation_id=foundation_id),
        "outcomes": outcomes.outcomes_of(session, foundation_id=foundation_id),
        "evidence_form": {},
        "evidence_errors": {},
        "evidence_kinds": list(EvidenceKind),
        "field_labels": FIELD_LABELS,
        "conflict": None,
        "fmt": outcomes.format_value,
        "draft": citations.footnoted(session, foundation.draft_citations)
        if foundation.drafted_from
        else None,
    }
    context.update(extra)
    return context


@guard(Access.MODERATOR)
def edit(request: Request) -> Response:
    with request.app.state.db.read() as session:
        context = _edit_context(session, request.path_params["foundation_id"])
    return render(request, "foundations/edit.html", context)


@guard(Access.MODERATOR, write=True)
def update(request: Request) -> Response:
    foundation_id = request.path_params["foundation_id"]
    form = _text_form(request)
    loaded = integer(form_of(request).get("version")) or 0
    try:
        with request.app.state.db.write() as session:
            foundations.update_foundation(
                session,
                actor_id=request.state.user.id,
                foundation_id=foundation_id,
                expected_version=loaded,
                **form,
            )
    except FoundationConflict as conflict:
        with request.app.state.db.read() as session:
            # keep what this editor typed; the form now carries the newer version, so a deliberate
            # second save (after reading their changes) goes through
            context = _edit_context(
                session, foundation_id, form=form, conflict=conflict, loaded_version=conflict.current_version
            )
        return render(request, "foundations/edit.html", context, status_code=409)
    except ValidationFailed as failed:
        with request.app.state.db.read() as session:
            context = _edit_context(
                session, foundation_id, form=form, errors=failed.errors, loaded_version=loaded
            )
        return render(request, "foundations/edit.html", context, status_code=400)
    flash(request, "Foundation saved.")
    return RedirectResponse(f"/foundations/{foundation_id}", status_code=303)


@guard(Access.MODERATOR, write=True)
def add_evidence(request: Request) -> Response:
    foundation_id = request.path_params["foundation_id"]
    data = form_of(request)
    form = {name: str(data.get(name, "")) for name in (*EVIDENCE_FIELDS, "contribution_id")}
    try:
        with request.app.state.db.write() as session:
            foundations.add_evidence(
                session,
                actor_id=request.state.user.id,
                foundation_id=foundation_id,
                kind=form["kind"],
                contribution_id=integer(form["contribution_id"]),
                title=form["title"],
                text=form["text"],
                citation=form["citation"],
                url=form["url"],
            )
    except ValidationFailed as failed:
        with request.app.state.db.read() as session:
            context = _edit_context(session, foundation_id, evidence_form=form, evidence_errors=failed.errors)
        return render(request, "foundations/edit.html", context, status_code=400)
    flash(request, "Evidence added.")
    return RedirectResponse(f"/foundations/{foundation_id}#evidence", status_code=303)


@guard(Access.MODERATOR, write=True)
def remove_evidence(request: Request) -> Response:
    foundation_id = request.path_params["foundation_id"]
    with request.app.state.db.write() as session:
        foundations.remove_evidence(
            session,
            actor_id=request.state.user.id,
            foundation_id=foundation_id,
            evidence_id=request.path_params["evidence_id"],
        )
    flash(request, "Evidence removed.")
    return RedirectResponse(f"/foundations/{foundation_id}#evidence", status_code=303)


def _outcome_context(session, foundation_id: int, form: outcomes.OutcomeForm, **extra) -> dict:
    context = {
        "foundation": foundations.get_foundation(session, foundation_id),
        "form": form,
        "errors": {},
        "outcome_id": None,
        "units": [(u.value, u.label) for u in OutcomeUnit],
        "directions": [(d.value, d.label) for d in Direction],
        "kinds": [(k.value, k.label) for k in OutcomeKind],
    }
    context.update(extra)
    return context


@guard(Access.MODERATOR)
def new_outcome(request: Request) -> Response:
    foundation_id = request.path_params["foundation_id"]
    with request.app.state.db.read() as session:
        if request.query_params.get("suggest"):
            form = outcomes.suggest_outcome(session, foundation_id=foundation_id)
        else:
            form = outcomes.OutcomeForm()
        context = _outcome_context(session, foundation_id, form)
    return render(request, "foundations/outcome_form.html", context)


@guard(Access.MODERATOR)
def edit_outcome(request: Request) -> Response:
    foundation_id, outcome_id = request.path_params["foundation_id"], request.path_params["outcome_id"]
    with request.app.state.db.read() as session:
        found = [o for o in outcomes.outcomes_of(session, foundation_id=foundation_id) if o.id == outcome_id]
        if not found:
            raise NotFound("There is no such outcome.")
        context = _outcome_context(
            session, foundation_id, outcomes.OutcomeForm.of(found[0]), outcome_id=outcome_id
        )
    return render(request, "foundations/outcome_form.html", context)


@guard(Access.MODERATOR, write=True)
def save_outcome(request: Request) -> Response:
    foundation_id = request.path_params["foundation_id"]
    outcome_id = request.path_params.get("outcome_id")
    data = form_of(request)
    form = outcomes.OutcomeForm(**{name: str(data.get(name, "")) for name in OUTCOME_FIELDS})
    try:
        with request.app.state.db.write() as session:
            outcomes.save_outcome(
                session,
                actor_id=request.state.user.id,
                foundation_id=foundation_id,
                form=form,
                outcome_id=outcome_id,
            )
    except ValidationFailed as failed:
        with request.app.state.db.read() as session:
            context = _outcome_context(
                session, foundation_id, form, errors=failed.errors, outcome_id=outcome_id
            )
        return render(request, "foundations/outcome_form.html", context, status_code=400)
    flash(request, "Outcome saved.")
    return RedirectResponse(f"/foundations/{foundation_id}#outcomes", status_code=303)


@guard(Access.MODERATOR, write=True)
def remove_outcome(request: Request) -> Response:
    foundation_id = request.path_params["foundation_id"]
    with request.app.state.db.write() as session:
        outcomes.delete_outcome(
            session,
            actor_id=request.state.user.id,
            foundation_id=foundation_id,
            outcome_id=request.path_params["outcome_id"],
        )
    flash(request, "Outcome removed.")
    return RedirectResponse(f"/foundations/{foundation_id}#outcomes", status_code=303)
