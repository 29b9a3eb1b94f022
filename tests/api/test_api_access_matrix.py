"""Every API address says what it needs, and is refused without it: built from the API's route table."""

from __future__ import annotations

import re

import pytest
from starlette.routing import Route

from crowd.models import TokenScope
from crowd.web.api import API_ROUTES
from tests.api.conftest import bearer, make_token

PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


def api_routes() -> list[tuple[str, str, object]]:
    return [
        (route.path, method, route.endpoint)
        for route in API_ROUTES
        if isinstance(route, Route) and "{path" not in route.path
        for method in sorted((route.methods or set()) - {"HEAD"})
    ]


def test_every_api_route_declares_its_scope():
    for path, method, endpoint in api_routes():
        if path == "/openapi.json":
            continue
        assert hasattr(endpoint, "api_scope") or hasattr(
            getattr(endpoint, "__wrapped__", None), "api_scope"
        ), f"{method} {path} is not wrapped in api_endpoint(...)"


@pytest.mark.parametrize(
    ("path", "method", "endpoint"), api_routes(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_each_api_route_refuses_a_missing_or_wrong_scope_token(path, method, endpoint, client, signed):
    needed = getattr(endpoint, "api_scope", None)
    url = "/api/v1" + PARAM.sub(lambda m: {"number": "1", "slug": "nope"}.get(m.group(1), "1"), path)
    send = (lambda **kw: client.post(url, json={"period": "2026 Q4", "values": [{"outcome": "x"}]}, **kw)) \
        if method == "POST" else (lambda **kw: client.get(url, **kw))  # fmt: skip
    if needed is None:
        assert send().status_code in (200, 404), url  # public: no token needed
        return
    priya, signatory_id = signed
    others = [s for s in TokenScope if s != needed]
    assert send().status_code == 401, url
    wrong = make_token(priya, signatory_id, scopes=[s.value for s in others], name="Wrong")
    assert send(headers=bearer(wrong)).status_code == 403, url
    right = make_token(priya, signatory_id, scopes=[needed.value], name="Right")
    assert send(headers=bearer(right)).status_code not in (401, 403), url
