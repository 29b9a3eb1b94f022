"""A signatory organisation's API tokens: make one (shown once), see them, revoke one."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from crowd.models import Access, TokenScope
from crowd.security import AccessDenied, form_of, guard
from crowd.services.api import tokens
from crowd.services.declaration import signatories
from crowd.services.errors import DomainError, ValidationFailed
from crowd.templating import flash, render


def _page(
    request: Request, signatory_id: int, *, form=None, errors=None, made=None, status_code=200
) -> Response:
    with request.app.state.db.read() as session:
        signatory = signatories.get_signatory(session, signatory_id)
        if not signatories.may_assess(request.state.user, signatory):
            raise AccessDenied(
                "Only the person who signed for this organisation, or a lead, can manage its tokens."
            )
        context = {
            "signatory": signatory,
            "tokens": tokens.tokens_of(session, signatory_id=signatory_id),
            "scopes": list(TokenScope),
            "form": form
            or {"days": str(tokens.DEFAULT_DAYS), "scopes": [TokenScope.WRITE_ASSESSMENTS.value]},
            "errors": errors or {},
            "made": made,
            "max_days": tokens.MAX_DAYS,
        }
    response = render(request, "signatories/tokens.html", context, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


@guard(Access.PARTICIPANT)
def tokens_page(request: Request) -> Response:
    return _page(request, request.path_params["signatory_id"])


@guard(Access.PARTICIPANT, write=True)
def create(request: Request) -> Response:
    signatory_id = request.path_params["signatory_id"]
    data = form_of(request)
    form = {"name": str(data.get("name", "")), "days": str(data.get("days", "")),
            "scopes": [str(s) for s in data.getlist("scopes")]}  # fmt: skip
    try:
        with request.app.state.db.write() as session:
            made = tokens.create_token(session, actor=request.state.user, signatory_id=signatory_id,
                                       name=form["name"], days=form["days"], scopes=form["scopes"])  # fmt: skip
            shown = {"name": made.token.name, "secret": made.secret}
    except ValidationFailed as failed:
        return _page(request, signatory_id, form=form, errors=failed.errors, status_code=400)
    except DomainError as error:
        if error.status_code == 403:
            raise AccessDenied(error.message) from None
        raise
    return _page(request, signatory_id, made=shown)


@guard(Access.PARTICIPANT, write=True)
def revoke(request: Request) -> Response:
    signatory_id = request.path_params["signatory_id"]
    try:
        with request.app.state.db.write() as session:
            token = tokens.revoke(session, actor=request.state.user, signatory_id=signatory_id,
                                  token_id=request.path_params["token_id"])  # fmt: skip
            name = token.name
    except DomainError as error:
        if error.status_code == 403:
            raise AccessDenied(error.message) from None
        raise
    flash(request, f"Token “{name}” revoked: it no longer works.")
    return RedirectResponse(f"/declaration/signatories/{signatory_id}/tokens", status_code=303)
