"""Limits on anonymous answers per thing (a live event, a declaration version) and address.

A device is only a session cookie, so a person can be many devices; the address the request came from
(the visitor's, as a trusted proxy reports it: crowd.proxies) caps how many answers one place can give
to one event or one version, whatever the cookies say.
"""

from __future__ import annotations

from limits import parse as parse_limit
from starlette.requests import Request

from crowd.security import RateLimited


def check_address_rate(request: Request, setting: str, thing: str) -> None:
    """Count one answer from this address to ``thing``; 429 past ``Settings.rate_limit_<setting>``."""
    limiter = request.app.state.limiter
    if not limiter.enabled:
        return
    limit = getattr(request.app.state.settings, f"rate_limit_{setting}")
    address = request.client.host if request.client else "unknown"
    if not limiter.limiter.hit(parse_limit(limit), f"address-{setting}", f"{thing}|{address}"):
        raise RateLimited(limit)
