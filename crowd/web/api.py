"""The read API under /api/v1: JSON, versioned, described by /api/v1/openapi.json; pushes of assessment values.

Every endpoint here parses, checks the token where one is needed, calls `crowd.services.api`, and answers
JSON with an ETag (If-None-Match gives 304). Errors are JSON too: {"error": {"status", "message", "field"}}.
The API never reads the session cookie: it is not a way in for a browser session, so it needs no CSRF
token, and a page on another site cannot use a signed-in person's cookie through it (CORS is off unless
API_CORS_ORIGINS names the origins that may call it).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from crowd.models import TokenScope
from crowd.security import RateLimited, check_rate, guard
from crowd.services import audit
from crowd.services.api import tokens, views
from crowd.services.declaration import signatories
from crowd.services.errors import DomainError, ValidationFailed
from crowd.templating import render
from crowd.web.api_schema import openapi_document

MAX_BODY = 256 * 1024
MAX_ID = 2**31 - 1  # larger numbers in a path are no version: 404, not a database overflow
JSON_TYPE = "application/json"


class ApiError(Exception):
    def __init__(self, status: int, message: str, field: str | None = None, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.field, self.headers = status, message, field, headers or {}


def _cors(request: Request, headers: dict[str, str]) -> dict[str, str]:
    origin = request.headers.get("origin")
    if origin and origin in request.app.state.settings.api_cors_origins:
        headers |= {"Access-Control-Allow-Origin": origin, "Vary": "Origin",
                    "Access-Control-Expose-Headers": "ETag"}  # fmt: skip
    return headers


def _error(request: Request, status: int, message: str, field: str | None = None, **extra) -> Response:
    payload = {"error": {"status": status, "message": message, "field": field} | extra}
    headers = _cors(request, {"Cache-Control": "no-store"})
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="crowd"'
    return JSONResponse(payload, status_code=status, headers=headers)


def _answer(request: Request, payload: object, *, private: bool, status: int = 200) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = _cors(request, {"ETag": etag, "Cache-Control": "private, no-cache" if private else "no-cache"})
    if status == 200 and etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(body, status_code=status, media_type=JSON_TYPE, headers=headers)


def api_endpoint(scope: TokenScope | None = None) -> Callable:
    """Rate-limit, check the token when `scope` is given, and turn refusals into JSON errors.

    The endpoint gets (request, session, token) and returns what to send, or a Response."""

    def decorate(endpoint: Callable) -> Callable:
        @functools.wraps(endpoint)
        def wrapper(request: Request) -> Response:
            try:
                check_rate(request, request.app.state.settings.rate_limit_api, "api")
                database = request.app.state.db
                with database.write() if request.method == "POST" or scope else database.read() as session:
                    token = None
                    if scope is not None:
                        token, _ = tokens.check(session, request.headers.get("authorization"), scope=scope)
                        tokens.touch(session, token)
                    payload = endpoint(request, session, token)
                    if isinstance(payload, Response):
                        return payload
                    return _answer(request, payload, private=scope is not None)
            except RateLimited as limited:
                return _error(
                    request, 429, f"Too many requests (the limit is {limited.limit}): wait a minute."
                )
            except tokens.TokenRefused as refused:
                return _error(request, refused.status, refused.message)
            except ValidationFailed as failed:
                field = next(iter(failed.errors), None)
                return _error(request, 422, failed.message, field, fields=failed.errors)
            except ApiError as error:
                return _error(request, error.status, error.message, error.field)
            except DomainError as error:
                status = 422 if error.status_code == 400 else error.status_code
                return _error(request, status, error.message, error.field)

        wrapper.api_scope = scope  # type: ignore[attr-defined]  # route metadata on the endpoint function, read by the route table and the access matrix
        return wrapper

    return decorate


def _number(request: Request) -> int:
    number = int(request.path_params["number"])
    if not 1 <= number <= MAX_ID:
        raise ApiError(404, "No declaration has been published at this address yet.")
    return number


def _page(request: Request) -> views.PageRequest:
    return views.page_request(request.query_params.get("cursor"), request.query_params.get("limit"))


def _threshold(request: Request) -> int:
    return request.app.state.settings.small_cell_threshold


@api_endpoint()
def versions(request: Request, session, token) -> object:
    return views.paged(views.list_versions(session), _page(request))


@api_endpoint()
def version(request: Request, session, token) -> object:
    return views.version_detail(session, number=_number(request))


@api_endpoint()
def version_signatories(request: Request, session, token) -> object:
    return views.paged(views.signatory_rows(session, number=_number(request)), _page(request))


@api_endpoint()
def version_benchmark(request: Request, session, token) -> object:
    return views.paged(views.benchmark_items(session, number=_number(request)), _page(request))


@api_endpoint(TokenScope.READ)
def workshop_themes(request: Request, session, token) -> object:
    found = views.theme_summaries(session, slug=request.path_params["slug"], threshold=_threshold(request))
    return views.paged(found, _page(request))


@api_endpoint(TokenScope.READ)
def workshop_engagement(request: Request, session, token) -> object:
    return views.engagement(session, slug=request.path_params["slug"], threshold=_threshold(request))


@api_endpoint(TokenScope.READ)
def network_engagement(request: Request, session, token) -> object:
    return views.engagement(session, slug=None, threshold=_threshold(request))


def _body(request: Request) -> dict:
    if not request.headers.get("content-type", "").split(";")[0].strip() == JSON_TYPE:
        raise ApiError(415, "Send the assessment as JSON (Content-Type: application/json).")
    raw = request.state.api_body
    if raw is None:
        raise ApiError(413, f"The request body is larger than {MAX_BODY // 1024} KB.")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ApiError(400, "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ApiError(422, "The body must be a JSON object with period and values.", "body")
    return data


def _entries(data: dict) -> tuple[str, list[signatories.Entry]]:
    period = data.get("period")
    if not isinstance(period, str):
        raise ApiError(422, 'period is needed, as text such as "2026 Q4".', "period")
    values = data.get("values")
    if not isinstance(values, list) or not values or len(values) > 200:
        raise ApiError(
            422, "values must be a list of 1 to 200 {outcome, value | status, evidence}.", "values"
        )
    entries = []
    for i, item in enumerate(values):
        if not isinstance(item, dict) or not isinstance(item.get("outcome"), str):
            raise ApiError(
                422, f"values[{i}] needs an outcome key (see the version's outcomes).", f"values[{i}]"
            )
        value, status, evidence = item.get("value"), item.get("status"), item.get("evidence", "")
        if value is not None and not isinstance(value, int | float | str) or isinstance(value, bool):
            raise ApiError(422, f"values[{i}].value must be a number.", f"values[{i}].value")
        if status is not None and not isinstance(status, str) or not isinstance(evidence, str):
            raise ApiError(422, f"values[{i}].status and evidence must be text.", f"values[{i}]")
        entries.append(
            signatories.Entry(item["outcome"], "" if value is None else str(value), status or "", evidence)
        )
    return period, entries


@api_endpoint(TokenScope.WRITE_ASSESSMENTS)
def push_assessments(request: Request, session, token) -> object:
    period, entries = _entries(_body(request))
    signatory = signatories.get_signatory(session, token.signatory_id)
    declaration_number = views.version_number_of(session, signatory)
    saved = signatories.record_assessments(
        session,
        actor=tokens.actor_of(session, token),
        signatory_id=signatory.id,
        version_number=declaration_number,
        period=period,
        entries=entries,
    )
    audit.record(session, actor_id=token.created_by, action="api.push_assessments", target_type="signatory",
                 target_id=signatory.id, after={"token": token.id, "period": saved[0].period,
                                                "outcomes": [a.outcome_key for a in saved]})  # fmt: skip
    payload = {"signatory_id": signatory.id, "period": saved[0].period,
               "saved": [{"outcome": a.outcome_key, "value": a.value,
                          "status": a.status.value if a.status else None} for a in saved]}  # fmt: skip
    return _answer(request, payload, private=True, status=201)


async def read_body_then(request: Request, endpoint: Callable) -> Response:
    """Read at most MAX_BODY bytes before the endpoint runs (in a thread); more is refused, not buffered."""
    body, too_large = b"", False
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            too_large = True
            break
    request.state.api_body = None if too_large else body
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(endpoint, request)


async def push_assessments_route(request: Request) -> Response:
    return await read_body_then(request, push_assessments)


push_assessments_route.api_scope = TokenScope.WRITE_ASSESSMENTS  # type: ignore[attr-defined]  # for the matrix test


def openapi(request: Request) -> Response:
    return _answer(request, openapi_document(request.app.state.settings.base_url), private=False)


def preflight(request: Request) -> Response:
    headers = _cors(request, {})
    if "Access-Control-Allow-Origin" not in headers:
        return Response(status_code=403)
    headers |= {"Access-Control-Allow-Methods": "GET, POST", "Access-Control-Max-Age": "600",
                "Access-Control-Allow-Headers": "Authorization, Content-Type, If-None-Match"}  # fmt: skip
    return Response(status_code=204, headers=headers)


def not_found(request: Request) -> Response:
    return _error(request, 404, "There is no such API address: see /api/v1/openapi.json.")


@guard(None)
def docs_page(request: Request) -> Response:
    document = openapi_document(request.app.state.settings.base_url)
    return render(
        request, "api/docs.html", {"document": document, "base_url": request.app.state.settings.base_url}
    )


API_ROUTES = [
    Route("/openapi.json", openapi, methods=["GET"]),
    Route("/declarations", versions, methods=["GET"]),
    Route("/declarations/{number:int}", version, methods=["GET"]),
    Route("/declarations/{number:int}/signatories", version_signatories, methods=["GET"]),
    Route("/declarations/{number:int}/benchmark", version_benchmark, methods=["GET"]),
    Route("/workshops/{slug}/themes", workshop_themes, methods=["GET"]),
    Route("/workshops/{slug}/engagement", workshop_engagement, methods=["GET"]),
    Route("/engagement", network_engagement, methods=["GET"]),
    Route("/assessments", push_assessments_route, methods=["POST"]),
    Route("/{path:path}", preflight, methods=["OPTIONS"]),
    Route("/{path:path}", not_found, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
]
