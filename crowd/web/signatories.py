"""Sign-ups, self-assessments and the public benchmark (with a CSV of its table for leads)."""

from __future__ import annotations

import csv
import io

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from crowd.models import Access, AssessmentStatus, OrganisationKind
from crowd.security import PUBLIC, AccessDenied, form_of, guard
from crowd.services import audit
from crowd.services.declaration import benchmark, signatories
from crowd.services.declaration import versions as declarations
from crowd.services.declaration.outcomes import Rag, format_value
from crowd.services.declaration.snapshot import outcomes_by_key
from crowd.services.errors import DomainError, ValidationFailed
from crowd.templating import flash, render
from exports.data import neutralise_formula

SIGN_FIELDS = ("organisation_name", "kind", "borough", "signer_name", "signer_role")


def _version_number(request: Request) -> int | None:
    try:
        return int(request.query_params.get("v", ""))
    except ValueError:
        return None


@guard(PUBLIC)
def signatory_list(request: Request) -> Response:
    user = request.state.user
    with request.app.state.db.read() as session:
        version = declarations.published_version(session, _version_number(request))
        items = signatories.signatories_of(session, declaration_id=version.id)
        is_lead = bool(user and user.access.allows(Access.LEAD))
        claims = (
            signatories.signatories_of(session, declaration_id=version.id, pending=True) if is_lead else []
        )
    context = {
        "declaration": version,
        "signatories": items,
        "claims": claims,
        "can_assess": {s.id for s in items if user and signatories.may_assess(user, s)},
    }
    return render(request, "signatories/list.html", context)


def _kinds() -> list[tuple[str, str]]:
    return [(k.value, k.label) for k in OrganisationKind]


@guard(Access.PARTICIPANT)
def sign_form(request: Request) -> Response:
    with request.app.state.db.read() as session:
        version = declarations.published_version(session, request.path_params["number"])
    user = request.state.user
    form = signatories.SignUpForm(signer_name=user.display_name, borough=user.borough or "")
    context = {"declaration": version, "form": form, "errors": {}, "kinds": _kinds()}
    return render(request, "signatories/sign.html", context)


@guard(Access.PARTICIPANT, write=True)
def sign(request: Request) -> Response:
    number = request.path_params["number"]
    data = form_of(request)
    form = signatories.SignUpForm(**{name: str(data.get(name, "")) for name in SIGN_FIELDS})
    try:
        with request.app.state.db.write() as session:
            version = declarations.published_version(session, number)
            signatory = signatories.sign_up(
                session, declaration=version, participant_id=request.state.user.id, form=form
            )
    except ValidationFailed as failed:
        with request.app.state.db.read() as session:
            version = declarations.published_version(session, number)
        context = {"declaration": version, "form": form, "errors": failed.errors, "kinds": _kinds()}
        return render(request, "signatories/sign.html", context, status_code=400)
    if signatory.approved_at is None:
        flash(
            request,
            f"{signatory.organisation_name} is already known to crowd, so a lead will check that you can sign "
            "for it. You will be able to record assessments once they have.",
        )
        return RedirectResponse(f"/declaration/signatories?v={number}", status_code=303)
    flash(request, f"{signatory.organisation_name} has signed up to version {number}. Thank you.")
    return RedirectResponse(f"/declaration/signatories/{signatory.id}/assess", status_code=303)


@guard(Access.LEAD, write=True)
def decide_claim(request: Request) -> Response:
    approve = str(form_of(request).get("decision", "")) == "approve"
    with request.app.state.db.write() as session:
        signatory = signatories.decide_claim(
            session,
            signatory_id=request.path_params["signatory_id"],
            actor_id=request.state.user.id,
            approve=approve,
        )
        number = declarations.version_by_id(session, signatory.declaration_id).number
    verb = "approved" if approve else "refused"
    flash(request, f"The claim to sign for {signatory.organisation_name} is {verb}.")
    return RedirectResponse(f"/declaration/signatories?v={number}", status_code=303)


def _assess_context(session, signatory_id: int, **extra) -> dict:
    signatory = signatories.get_signatory(session, signatory_id)
    if signatory.approved_at is None:
        raise AccessDenied("This sign-up is waiting for a lead to confirm it: assessments can follow then.")
    version = declarations.version_by_id(session, signatory.declaration_id)
    bench = benchmark.build_benchmark(session, declaration=version)
    progress = next(p for p in bench.progress if p.signatory.id == signatory.id)
    context = {
        "signatory": signatory,
        "declaration": version,
        "outcomes": list(outcomes_by_key(version.snapshot).items()),
        "progress": progress,
        "statuses": list(AssessmentStatus),
        "fmt": format_value,
        "form": {},
        "errors": {},
    }
    context.update(extra)
    return context


@guard(Access.PARTICIPANT)
def assess_form(request: Request) -> Response:
    with request.app.state.db.read() as session:
        context = _assess_context(session, request.path_params["signatory_id"])
    if not signatories.may_assess(request.state.user, context["signatory"]):
        raise AccessDenied(
            "Only the person who signed for this organisation, or a lead, can record its assessment."
        )
    return render(request, "signatories/assess.html", context)


@guard(Access.PARTICIPANT, write=True)
def assess(request: Request) -> Response:
    number = request.path_params["number"]
    data = form_of(request)
    try:
        signatory_id = int(str(data.get("signatory_id", "")))
    except ValueError:
        raise DomainError("Choose the organisation you are assessing.") from None
    keys = [str(k) for k in data.getlist("outcome")]
    entries = [
        signatories.Entry(
            outcome_key=key,
            value=str(data.get(f"{key}-value", "")),
            status=str(data.get(f"{key}-status", "")),
            evidence=str(data.get(f"{key}-evidence", "")),
        )
        for key in keys
    ]
    period = str(data.get("period", ""))
    try:
        with request.app.state.db.write() as session:
            signatories.record_assessments(
                session,
                actor=request.state.user,
                signatory_id=signatory_id,
                version_number=number,
                period=period,
                entries=entries,
            )
    except ValidationFailed as failed:
        with request.app.state.db.read() as session:
            context = _assess_context(session, signatory_id, form=dict(data), errors=failed.errors)
        return render(request, "signatories/assess.html", context, status_code=400)
    flash(request, f"Assessment for {' '.join(period.split())} saved.")
    return RedirectResponse(f"/declaration/signatories/{signatory_id}/assess", status_code=303)


@guard(PUBLIC)
def benchmark_page(request: Request) -> Response:
    with request.app.state.db.read() as session:
        version = declarations.published_version(session, _version_number(request))
        bench = benchmark.build_benchmark(session, declaration=version)
    context = {
        "bench": bench,
        "declaration": version,
        "outcomes": list(outcomes_by_key(version.snapshot).items()),
        "rags": [Rag.GREEN, Rag.AMBER, Rag.RED],
    }
    return render(request, "signatories/benchmark.html", context)


@guard(Access.LEAD)
def benchmark_csv(request: Request) -> Response:
    with request.app.state.db.read() as session:
        version = declarations.published_version(session, _version_number(request))
        bench = benchmark.build_benchmark(session, declaration=version)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(benchmark.CSV_COLUMNS)
    for row in benchmark.benchmark_rows(bench):
        writer.writerow(["" if v is None else neutralise_formula(v) for v in row])
    with request.app.state.db.write() as session:
        audit.record(
            session,
            actor_id=request.state.user.id,
            action="export_benchmark",
            target_type="declaration",
            target_id=version.id,
        )
    filename = f"benchmark-v{version.number}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
