"""Leads bring a Pol.is export in as a new workshop: upload its files, see problems by line, or the new workshop."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from crowd.models import Access
from crowd.security import form_of, guard
from crowd.services.errors import DomainError
from crowd.services.streams import polis
from crowd.templating import flash, render

UPLOADS = ("comments.csv", "votes.csv", "participants-votes.csv", "summary.csv")


def _files(data) -> dict[str, bytes]:
    files = {}
    for name in UPLOADS:
        upload = data.get(name)
        if isinstance(upload, UploadFile) and upload.filename:
            body = upload.file.read(polis.MAX_FILE_BYTES + 1)
            if len(body) > polis.MAX_FILE_BYTES:
                raise DomainError(
                    f"{name} is larger than {polis.MAX_FILE_BYTES // (1024 * 1024)} MB.", field=name
                )
            files[name] = body
    return files


def _page(request: Request, *, form: dict, errors: dict, problems=(), status_code: int = 200) -> Response:
    context = {"form": form, "errors": errors, "problems": list(problems), "uploads": UPLOADS}
    return render(request, "imports/polis.html", context, status_code=status_code)


@guard(Access.LEAD)
def polis_form(request: Request) -> Response:
    return _page(request, form={}, errors={})


@guard(Access.LEAD, write=True)
def polis_upload(request: Request) -> Response:
    data = form_of(request)
    form = {"slug": str(data.get("slug", "")).strip(), "title": str(data.get("title", "")).strip()}
    try:
        if not form["slug"]:
            raise DomainError(
                "Give the new workshop a short address, for example old-conversation.", field="slug"
            )
        export = polis.read_export(_files(data))
        with request.app.state.db.write() as session:
            workshop = polis.import_export(
                session,
                export=export,
                slug=form["slug"],
                title=form["title"][:200],
                actor_id=request.state.user.id,
            )
            slug = workshop.slug
    except polis.PolisExportError as error:
        return _page(
            request,
            form=form,
            errors={"comments.csv": error.message},
            problems=error.problems,
            status_code=400,
        )
    except DomainError as error:
        return _page(
            request, form=form, errors={error.field or "slug": error.message}, status_code=error.status_code
        )
    flash(request, f"Imported {len(export.comments)} comments and {len(export.votes):,} votes from Pol.is.")
    return RedirectResponse(f"/w/{slug}", status_code=303)
