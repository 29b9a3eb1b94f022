"""Roles, CSRF, rate limits (slowapi) and the signed session cookie.

Every endpoint is wrapped by `guard(access, ...)`: it loads the signed-in participant, checks the
access level, sends people without a profile to complete it, and applies the write rate limit. The
route table in app.py is the single list of routes; each endpoint carries its `access` so the tests
can build the authorisation matrix from it.
"""

from __future__ import annotations

import functools
import hmac
import inspect
import secrets
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, quote

from limits import parse as parse_limit
from slowapi import Limiter
from sqlalchemy import bindparam, select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crowd import limits_memory  # noqa: F401 - registers the crowd-memory:// rate-limit storage
from crowd.models import Access, Participant
from crowd.overload import check_waited
from crowd.user_cache import COLUMNS

PUBLIC = None
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
MAX_BODY = 60 * 1024 * 1024  # a signed-in person's upload
ANONYMOUS_MAX_BODY = 256 * 1024  # without signing in: a sign-in form, feedback, a live answer
TOO_LARGE = "That upload is too large (the limit is 60 MB)."
ANONYMOUS_TOO_LARGE = "That is too much to send without signing in (the limit is 256 KB)."
URLENCODED = "application/x-www-form-urlencoded"


class AccessDenied(Exception):
    """Raised inside a guard; rendered as a 403 page."""


class RateLimited(Exception):
    def __init__(self, limit: str) -> None:
        super().__init__(limit)
        self.limit = limit


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def current_user(request: Request) -> Participant | None:
    return getattr(request.state, "user", None)


def _load_user(request: Request) -> Participant | None:
    pid = request.session.get("pid")
    if not pid:
        return None
    db = request.app.state.db
    user = request.app.state.users.get(
        pid, functools.partial(_read_user, db), functools.partial(_read_row, db)
    )
    if (
        user is None
        or user.erased_at is not None
        or request.session.get("epoch") != user.session_epoch
        or not _session_alive(request, user)
    ):
        request.session.clear()
        return None
    return user


def _session_alive(request: Request, user: Participant) -> bool:
    """The session was not signed out (its id is not in the person's list), is younger than
    SESSION_DAYS and was used within SESSION_IDLE_MINUTES; marks it used (at most once a minute)."""
    session = request.session
    sid = session.get("sid")
    if not sid or sid in user.signed_out_sessions:
        return False
    settings = request.app.state.settings
    now = int(time.time())
    if now - session.get("at", 0) > settings.session_days * 86400:
        return False
    seen = session.get("seen", 0)
    if now - seen > settings.session_idle_minutes * 60:
        return False
    if now - seen > 60:
        session["seen"] = now
    return True


def _read_user(db, participant_id: int) -> Participant | None:
    with db.read() as session:
        return session.get(Participant, participant_id)


def _read_row(db, participant_id: int) -> tuple | None:
    """Every column of the participant's row, with one plain query (see crowd/user_cache.py)."""
    return db.first_row(_PARTICIPANT_ROW, {"pid": participant_id})


_PARTICIPANT_ROW = select(*COLUMNS).where(COLUMNS[0].table.c.id == bindparam("pid"))


def sign_in(request: Request, participant: Participant) -> None:
    """Start a fresh session for the participant (no fixation: everything old is dropped)."""
    request.session.clear()
    now = int(time.time())
    request.session.update(
        {
            "pid": participant.id,
            "epoch": participant.session_epoch,
            "sid": secrets.token_hex(8),  # this session's id: signing out ends it on the server
            "at": now,
            "seen": now,
            "csrf": secrets.token_urlsafe(32),
        }
    )


def sign_out(request: Request) -> None:
    request.session.clear()


def rate_key(request: Request) -> str:
    user = current_user(request)
    if user is not None:
        return f"participant:{user.id}"
    client = request.client.host if request.client else "unknown"
    return f"ip:{client}"


def make_limiter(settings) -> Limiter:
    storage = settings.rate_limit_storage
    if storage.startswith("memory://"):  # the same counters, without a timer thread per few hits
        storage = "crowd-" + storage
    return Limiter(
        key_func=rate_key,
        storage_uri=storage,
        enabled=settings.rate_limits_enabled,
        in_memory_fallback_enabled=True,
    )


@functools.lru_cache(maxsize=64)
def _parsed(limit: str):
    return parse_limit(limit)


def check_rate(request: Request, limit: str, scope: str) -> None:
    limiter: Limiter = request.app.state.limiter
    if not limiter.enabled:
        return
    if not limiter.limiter.hit(_parsed(limit), scope, rate_key(request)):
        raise RateLimited(limit)


def _authorise(request: Request, access: Access | None, *, needs_profile: bool) -> Response | None:
    user = _load_user(request)
    request.state.user = user
    if access is None:
        return None
    if user is None:
        if request.method == "GET":
            target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
            return RedirectResponse(f"/auth/sign-in?next={target}", status_code=303)
        raise AccessDenied("Sign in first.")
    if not user.access.allows(access):
        raise AccessDenied("You do not have permission to do that.")
    if needs_profile and not user.has_profile:
        if request.method == "GET":
            return RedirectResponse(f"/profile?next={quote(request.url.path)}", status_code=303)
        raise AccessDenied("Complete your profile before taking part.")
    return None


def _checks_are_quick(request: Request) -> bool:
    """Whether the guard's checks can run on the event loop, waiting on neither a network nor a lock:
    the signed-in person (if any) is in the app's cache or read from SQLite (in WAL mode a reader
    never waits for a writer), and rate limits are counted in memory rather than in Redis."""
    app = request.app
    pid = request.session.get("pid")
    if pid and not app.state.users.fresh(pid) and not app.state.db.url.startswith("sqlite"):
        return False
    return not app.state.limiter.enabled or app.state.settings.rate_limit_storage.startswith("memory")


def guard(
    access: Access | None,
    *,
    write: bool = False,
    # a Settings field after "rate_limit_": "writes" (default), "signin", ...; or "none" for a write whose
    # one-use, unguessable token is its own guard (signing in by link: a room on one address must not wait)
    limit: str | None = None,
    needs_profile: bool = True,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Wrap an endpoint: authorise, then rate-limit writes, then run it (sync endpoints in a thread)."""

    def decorate(endpoint: Callable[..., Any]) -> Callable[..., Any]:
        def before(request: Request) -> Response | None:
            check_waited(request.scope, request.app.state.settings.overload_queue_seconds)
            early = _authorise(request, access, needs_profile=needs_profile)
            if early is not None:
                return early
            if (write or request.method in UNSAFE) and limit != "none":
                name = limit or "writes"
                check_rate(request, getattr(request.app.state.settings, f"rate_limit_{name}"), name)
            return None

        if inspect.iscoroutinefunction(endpoint):

            @functools.wraps(endpoint)
            async def async_wrapper(request: Request) -> Response:
                if _checks_are_quick(request):
                    early = before(request)
                else:
                    early = await run_in_threadpool(before, request)
                return early or await endpoint(request)

            wrapper: Callable[..., Any] = async_wrapper
        else:

            @functools.wraps(endpoint)
            def sync_wrapper(request: Request) -> Response:
                return before(request) or endpoint(request)

            wrapper = sync_wrapper
        wrapper.access = access  # type: ignore[attr-defined]  # route metadata on the endpoint function, read by the route table and the access matrix
        wrapper.write = write  # type: ignore[attr-defined]  # route metadata on the endpoint function, read by the route table and the access matrix
        return wrapper

    return decorate


def form_of(request: Request) -> FormData:
    """The parsed form of an unsafe request (parsed once by the CSRF middleware)."""
    return getattr(request.state, "form", None) or FormData()


API_PREFIX = "/api/v1/"


class CSRFMiddleware:
    """Refuse unsafe requests whose token (form field or X-CSRF-Token header) does not match the session.

    The body is read once here, parsed, and kept on `request.state.form`, so sync endpoints can use it.
    `refuse` renders the refusal page (create_app passes the web layer's, so security imports no page).
    """

    def __init__(self, app: ASGIApp, refuse: Callable[[Request], Response]) -> None:
        self.app = app
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE or scope["path"].startswith(API_PREFIX):
            # the read API takes bearer tokens only, never the session cookie: no CSRF to forge
            await self.app(scope, receive, send)
            return
        session = scope.get("session", {})
        if not session.get("csrf"):  # no form of ours was ever loaded: refused unread
            await self.refuse(Request(scope, receive))(scope, receive, send)
            return
        limit, too_large = (
            (MAX_BODY, TOO_LARGE) if session.get("pid") else (ANONYMOUS_MAX_BODY, ANONYMOUS_TOO_LARGE)
        )
        if _declared_length(scope) > limit:  # refused before a byte is read
            await _plain(send, 413, too_large)
            return
        chunks = bytearray()
        more = True
        while more:
            message = await receive()
            chunks += message.get("body", b"")
            more = message.get("more_body", False)
            if len(chunks) > limit:
                await _plain(send, 413, too_large)
                return
        body = bytes(chunks)

        request = Request(scope, _replay(body, receive))
        try:
            form = await _parse_form(request, body)
        except Exception:
            await _plain(send, 400, "The form could not be read. Go back and try again.")
            return
        expected = scope.get("session", {}).get("csrf", "")
        given = request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD)
        if not expected or not given or not hmac.compare_digest(str(given), str(expected)):
            await self.refuse(request)(scope, _replay(body, receive), send)
            return
        scope.setdefault("state", {})["form"] = form
        try:
            await self.app(scope, _replay(body, receive), send)
        finally:
            await form.close()  # uploads are spooled temporary files: closed once the answer is sent


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


async def _parse_form(request: Request, body: bytes) -> FormData:
    """The request's form: plain url-encoded bodies (every vote, most forms) with the standard library's
    parser, which costs a tenth of the general multipart parser; uploads through Starlette's."""
    if request.headers.get("content-type", "").startswith(URLENCODED):
        fields = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=2000)
        return FormData(fields)
    return await request.form(max_files=20, max_fields=2000)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands over the buffered body once, then the client's own messages (disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _plain(send: Send, status: int, text: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8")],
        }
    )
    await send({"type": "http.response.body", "body": text.encode()})


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' https://assets.nhs.uk; frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


PRIVATE_PREFIXES = ("/me", "/profile", "/admin", "/auth/")


class SecurityHeadersMiddleware:
    """Add a strict Content-Security-Policy and the usual hardening headers to every response; HSTS when
    ``hsts_seconds`` (Settings.hsts_seconds) is set; ``Cache-Control: no-store`` on every response to a
    signed-in person and on personal pages, so no shared or browser cache keeps personal data."""

    def __init__(self, app: ASGIApp, hsts_seconds: int = 0) -> None:
        self.app = app
        self.headers = list(SECURITY_HEADERS)
        if hsts_seconds > 0:
            self.headers.append(
                (b"strict-transport-security", f"max-age={hsts_seconds}; includeSubDomains".encode())
            )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in names]
                path = scope["path"]
                signed_in = scope.get("session", {}).get("pid") and not path.startswith("/static/")
                private = signed_in or path.startswith(PRIVATE_PREFIXES)
                if private and b"cache-control" not in names:
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)
