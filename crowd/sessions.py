"""The signed session cookie: Starlette's SessionMiddleware, with each cookie's check remembered.

The cookie is Starlette's own (base64 JSON signed with itsdangerous' TimestampSigner and SECRET_KEY), so
sessions signed before an upgrade stay valid and a cookie forged with another key is refused as before.
What changes is the work per request: Starlette verifies the HMAC, decodes base64 and parses the JSON of
the same cookie on every request a browser makes (a tenth of a vote's CPU in `bench/requests.py
--profile vote`). Here a cookie that verified once is kept (up to `CACHE_SIZE`, oldest dropped first)
with its signing time and its JSON; the same bytes again skip the HMAC and the base64 and are only
checked for age against `max_age`, exactly as itsdangerous checks it. A cookie that was never seen, or
one with a byte changed, is verified in full. Nothing about who is signed in is trusted from here: the
guard still checks the person's row, session epoch and signed-out sessions on every request
(crowd/security.py). The cookie is re-signed only when the session changed, as Starlette does.
"""

from __future__ import annotations

import json
import time
from base64 import b64decode, b64encode
from typing import Literal

import itsdangerous
from itsdangerous.exc import BadSignature
from starlette.middleware.sessions import Session
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CACHE_SIZE = 10_000  # verified cookies kept (about 600 bytes each with their JSON: 6 MB at most)


class SessionMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        secret_key: str,
        session_cookie: str = "session",
        max_age: int | None = 14 * 24 * 60 * 60,
        path: str = "/",
        same_site: Literal["lax", "strict", "none"] = "lax",
        https_only: bool = False,
        cache_size: int = CACHE_SIZE,
    ) -> None:
        self.app = app
        self.signer = itsdangerous.TimestampSigner(str(secret_key))
        self.session_cookie = session_cookie
        self.max_age = max_age
        self.path = path
        self.security_flags = "httponly; samesite=" + same_site + ("; secure" if https_only else "")
        self.cache_size = cache_size
        self._verified: dict[str, tuple[int, str]] = {}  # cookie -> (signed at, its JSON)

    def _load(self, cookie: str) -> dict | None:
        """The session in `cookie`, or None when its signature is wrong or it is older than max_age."""
        known = self._verified.get(cookie)
        if known is not None:
            age = int(time.time()) - known[0]  # as itsdangerous counts it
            if age < 0 or (self.max_age is not None and age > self.max_age):
                del self._verified[cookie]  # expired, or the clock went back: check it in full
            else:
                return json.loads(known[1])
        try:
            data, signed = self.signer.unsign(
                cookie.encode("utf-8"), max_age=self.max_age, return_timestamp=True
            )
            text = b64decode(data).decode("utf-8")
            session = json.loads(text)
        except (BadSignature, ValueError):  # also a payload that is not base64 JSON of an object
            return None
        if not isinstance(session, dict):
            return None
        if len(self._verified) >= self.cache_size:
            del self._verified[next(iter(self._verified))]  # the oldest first
        self._verified[cookie] = (int(signed.timestamp()), text)
        return session

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        cookie = None
        for name, value in scope["headers"]:
            if name == b"cookie":
                cookie = cookie_parser(value.decode("latin-1")).get(self.session_cookie)
                break
        loaded = self._load(cookie) if cookie else None
        initial_session_was_empty = loaded is None
        scope["session"] = Session(loaded or {})

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                session: Session = scope["session"]
                headers = message["headers"] = list(message.get("headers", ()))
                if session.accessed:
                    _add_vary_cookie(headers)
                if session.modified and session:
                    data = self.signer.sign(b64encode(json.dumps(session).encode("utf-8"))).decode("utf-8")
                    max_age = f"Max-Age={self.max_age}; " if self.max_age is not None else ""
                    value = f"{self.session_cookie}={data}; path={self.path}; {max_age}{self.security_flags}"
                    headers.append((b"set-cookie", value.encode("latin-1")))
                elif session.modified and not initial_session_was_empty:  # the session was cleared
                    expires = "expires=Thu, 01 Jan 1970 00:00:00 GMT; "
                    value = f"{self.session_cookie}=null; path={self.path}; {expires}{self.security_flags}"
                    headers.append((b"set-cookie", value.encode("latin-1")))
            await send(message)

        await self.app(scope, receive, send_wrapper)


def _add_vary_cookie(headers: list) -> None:
    """Add Cookie to the response's Vary header (in place), as Starlette's add_vary_header does."""
    for index, (name, value) in enumerate(headers):
        if name.lower() == b"vary":
            headers[index] = (name, value + b", Cookie")
            return
    headers.append((b"vary", b"Cookie"))
