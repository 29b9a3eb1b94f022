"""Finding 2: rate limits keyed on an address the client chose (X-Forwarded-For believed from anyone)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from crowd import cli
from crowd.app import create_app
from crowd.proxies import forwarded_client, parse_networks
from tests.conftest import csrf_of

ROOT = Path(__file__).resolve().parents[2]


def _ask_for_links(app, *, peer: str, forwarded: list[str]) -> list[int]:
    statuses = []
    with TestClient(app, client=(peer, 40000)) as visitor:
        token = csrf_of(visitor.get("/auth/sign-in").text)
        for n, address in enumerate(forwarded):
            response = visitor.post(
                "/auth/sign-in",
                data={"email": f"someone{n}@example.org", "csrf_token": token},
                headers={"X-Forwarded-For": address},
            )
            statuses.append(response.status_code)
    return statuses


@pytest.fixture
def limited(settings, db):
    limited = dataclasses.replace(
        settings, rate_limits_enabled=True, rate_limit_signin="3/minute", trusted_proxies=("10.0.0.1",)
    )
    app = create_app(limited, migrate=False)
    yield app
    app.state.db.dispose()


def test_finding_02_a_made_up_forwarded_for_does_not_reset_the_sign_in_limit(limited):
    spoofed = [f"198.51.100.{n}" for n in range(6)]
    statuses = _ask_for_links(limited, peer="203.0.113.7", forwarded=spoofed)
    assert statuses[:3] == [200, 200, 200]
    assert all(status == 429 for status in statuses[3:]), statuses


def test_finding_02_behind_a_trusted_proxy_each_visitor_has_their_own_limit(limited):
    # the proxy appends the address it saw; whatever the visitor wrote before it is ignored
    first = _ask_for_links(limited, peer="10.0.0.1", forwarded=[f"1.2.3.{n}, 192.0.2.1" for n in range(4)])
    assert first == [200, 200, 200, 429]
    second = _ask_for_links(limited, peer="10.0.0.1", forwarded=["192.0.2.2"])
    assert second == [200]


def test_finding_02_forwarded_client_takes_the_rightmost_untrusted_address():
    networks = parse_networks(["10.0.0.0/8"])
    assert forwarded_client("10.0.0.1", "6.6.6.6, 192.0.2.5, 10.0.0.9", networks) == "192.0.2.5"
    assert forwarded_client("192.0.2.8", "6.6.6.6", networks) == "192.0.2.8"
    assert forwarded_client("10.0.0.1", "6.6.6.6", parse_networks([])) == "10.0.0.1"
    with pytest.raises(ValueError, match="not an IP"):
        parse_networks(["proxy.local"])


def test_finding_02_crowd_serve_and_the_image_do_not_trust_every_proxy(monkeypatch, settings):
    seen = {}
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.update(kwargs))
    monkeypatch.setattr(cli, "_database", lambda settings: type("D", (), {"dispose": lambda self: None})())
    args = type("Args", (), {"host": "127.0.0.1", "port": 8000, "workers": 1})()
    cli.cmd_serve(args, settings)
    assert seen["proxy_headers"] is False
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--forwarded-allow-ips '*'" not in dockerfile and "TRUSTED_PROXIES" in dockerfile
