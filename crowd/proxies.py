"""The visitor's address behind a reverse proxy, trusted only from the proxies named in TRUSTED_PROXIES.

`X-Forwarded-For` is written by whoever sends the request, so it is believed only when the connection
comes from a trusted proxy, and then only as far as the proxies go: the address taken is the rightmost
one that is not itself a trusted proxy (the one the first trusted proxy saw). With no trusted proxies (the
default) the header is ignored and the connection's address counts. Rate limits key on the result.
`X-Forwarded-Proto` is taken from a trusted proxy too, so redirects keep https.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """'10.0.0.5', '172.18.0.0/16' or '::1' -> networks; a bad entry is a ValueError naming it."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as error:
            raise ValueError(f"TRUSTED_PROXIES: {entry!r} is not an IP address or network") from error
    return tuple(networks)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return False
    return any(ip in network for network in networks)


def forwarded_client(peer: str, forwarded_for: str, networks: tuple[Network, ...]) -> str:
    """The visitor's address: ``peer`` unless it is a trusted proxy; then the rightmost address in
    ``forwarded_for`` that is not a trusted proxy (the leftmost when every one is)."""
    if not networks or not _trusted(peer, networks):
        return peer
    chain = [part.strip() for part in forwarded_for.split(",") if part.strip()]
    for address in reversed(chain):
        if not _trusted(address, networks):
            return address
    return chain[0] if chain else peer


class TrustedProxyMiddleware:
    """Set the request's client address (and scheme) from a trusted proxy's headers; others untouched."""

    def __init__(self, app: ASGIApp, trusted: Iterable[str] = ()) -> None:
        self.app = app
        self.networks = parse_networks(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if self.networks and scope["type"] in ("http", "websocket") and client:
            headers = dict(scope.get("headers") or [])
            peer = client[0]
            if _trusted(peer, self.networks):
                forwarded = headers.get(b"x-forwarded-for", b"").decode("latin-1")
                scope = {**scope, "client": (forwarded_client(peer, forwarded, self.networks), 0)}
                proto = headers.get(b"x-forwarded-proto", b"").decode("latin-1").strip().lower()
                if proto in ("http", "https"):
                    scope["scheme"] = (
                        proto if scope["type"] == "http" else {"http": "ws", "https": "wss"}[proto]
                    )
        await self.app(scope, receive, send)
