"""Shedding load: when the server has more than it can do, say so at once instead of making people wait.

Three bounds, each answered with a 503 page that says the service is busy, to wait a moment and try again,
and that nothing was saved (Retry-After: 5):
- `LoadShedMiddleware`: more than OVERLOAD_MAX_REQUESTS requests in progress in this process: the next
  is refused before anything else runs (a static page, the cheapest answer there is).
- `check_waited` (called by every guarded endpoint before it starts): a request that already waited
  OVERLOAD_QUEUE_SECONDS for a free thread is refused rather than started; its person has been looking at
  a spinner for that long and has probably pressed again.
- `Busy` from crowd.db: a write that could not get the database's write lock within the queue time.
A refused request changes nothing: the refusal comes before its transaction begins, and a vote is one
transaction, so a vote is either counted whole or not at all, and a vote sent again is counted once
(one row per person per idea).
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Receive, Scope, Send

ARRIVED = "crowd.arrived"
clock = time.monotonic  # the tests move it on
RETRY_AFTER = "5"
MESSAGE = "crowd is very busy right now. Wait a few seconds, then try again: nothing you sent was saved."
PAGE = f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>The service is busy - crowd</title></head>
<body style="font-family: Arial, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem">
<h1>The service is busy</h1><p>{MESSAGE}</p><p><a href="">Try again</a></p></body></html>
""".encode()


class Busy(Exception):
    """The request could not start in time; answered with a 503 page."""

    def __init__(self, why: str = "the server is busy") -> None:
        super().__init__(why)


class LoadShedMiddleware:
    def __init__(self, app: ASGIApp, max_requests: int = 400) -> None:
        self.app = app
        self.max_requests = max_requests
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.max_requests:
            await send(
                {
                    "type": "http.response.start",
                    "status": 503,
                    "headers": [
                        (b"content-type", b"text/html; charset=utf-8"),
                        (b"retry-after", RETRY_AFTER.encode()),
                        (b"cache-control", b"no-store"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": PAGE})
            return
        scope.setdefault("state", {})[ARRIVED] = clock()
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1


def check_waited(scope: Scope, limit: float) -> None:
    """Refuse a request that has already waited `limit` seconds since it arrived (0: never)."""
    arrived = scope.get("state", {}).get(ARRIVED)
    if limit and arrived is not None and clock() - arrived > limit:
        raise Busy(f"waited more than {limit:g} s to start")
