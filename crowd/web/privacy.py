"""A participant downloads everything stored about them, or erases their account."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from crowd.models import Access
from crowd.security import PUBLIC, form_of, guard, sign_out
from crowd.services.people import privacy
from crowd.templating import flash, render


@guard(PUBLIC)
def notice(request: Request) -> Response:
    return render(request, "privacy.html")


@guard(Access.PARTICIPANT, needs_profile=False)
def download(request: Request) -> Response:
    with request.app.state.db.read() as session:
        data = privacy.my_data(session, participant_id=request.state.user.id)
    body = json.dumps(data, indent=2, ensure_ascii=False)
    headers = {"Content-Disposition": 'attachment; filename="my-crowd-data.json"'}
    return Response(body, media_type="application/json", headers=headers)


@guard(Access.PARTICIPANT, needs_profile=False)
def erase_form(request: Request) -> Response:
    return render(request, "activity/erase.html", {"errors": {}})


@guard(Access.PARTICIPANT, write=True, needs_profile=False)
def erase(request: Request) -> Response:
    data = form_of(request)
    keep = str(data.get("keep", ""))
    if keep not in {"yes", "no"} or data.get("confirm") != "yes":
        errors = {}
        if keep not in {"yes", "no"}:
            errors["keep"] = "Choose what happens to what you wrote"
        if data.get("confirm") != "yes":
            errors["confirm"] = "Tick the box to confirm you want to erase your account"
        return render(request, "activity/erase.html", {"errors": errors, "keep": keep}, status_code=400)
    with request.app.state.db.write() as session:
        privacy.erase_account(session, participant_id=request.state.user.id, keep_contributions=keep == "yes")
    sign_out(request)
    flash(request, "Your account is erased. Thank you for taking part.")
    return RedirectResponse("/", status_code=303)
