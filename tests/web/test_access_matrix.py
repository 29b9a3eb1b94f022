"""Roles are checked on every route: the matrix is built from the route table itself."""

import re

import pytest
from starlette.routing import Route

from crowd.app import ROUTES
from crowd.models import Access
from tests.web.conftest import idea_id_of, post_idea

LEVELS = list(Access)
PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


def routes() -> list[tuple[str, str, object]]:
    found = []
    for route in ROUTES:
        if isinstance(route, Route):
            for method in sorted((route.methods or set()) - {"HEAD"}):
                found.append((route.path, method, route.endpoint))
    return found


@pytest.mark.parametrize(
    ("path", "method", "endpoint"), routes(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_route_declares_who_may_use_it(path, method, endpoint):
    assert hasattr(endpoint, "access"), f"{method} {path} is not wrapped in guard(...)"
    assert endpoint.access is None or isinstance(endpoint.access, Access)
    if method == "POST" and endpoint.access is not None:
        assert getattr(endpoint, "write", False), f"POST {path} should be guard(..., write=True)"


def fill(path: str, values: dict[str, object]) -> str:
    return PARAM.sub(lambda m: str(values.get(m.group(1), 1)), path)


def test_each_level_below_a_routes_access_is_refused(person, client, open_workshop, db):
    workshop, sections = open_workshop
    people = {level: person(f"{level.value}@example.org", access=level) for level in LEVELS}
    idea_id = idea_id_of(post_idea(people[Access.PARTICIPANT], workshop, sections[0], "An idea to route to"))
    values = {"slug": workshop.slug, "workshop_id": workshop.id, "section_id": sections[0].id}
    values |= {"contribution_id": idea_id, "idea_id": idea_id}
    checked = 0
    for path, method, endpoint in routes():
        needed = endpoint.access
        if needed is None:
            continue
        url = fill(path, values)
        if method == "GET":
            anonymous = client.get(url, follow_redirects=False)
            assert anonymous.status_code == 303, f"anonymous GET {url}"
            assert anonymous.headers["location"].startswith("/auth/sign-in?next="), url
        else:
            assert client.post(url, data={"csrf_token": _anon_token(client)}).status_code == 403, url
        for level in LEVELS:
            if level.allows(needed):
                continue
            who = people[level]
            response = who.client.get(url) if method == "GET" else who.post(url, {})
            assert response.status_code == 403, f"{level.value} {method} {url}: {response.status_code}"
            checked += 1
        if method == "GET" and not getattr(endpoint, "also_needs", None):  # extra roles: own matrix tests
            allowed = people[needed].client.get(url, follow_redirects=False)
            assert allowed.status_code not in (401, 403), f"{needed.value} GET {url}"
            assert "/auth/sign-in" not in allowed.headers.get("location", ""), url
    assert checked > 0


def _anon_token(client) -> str:
    from tests.conftest import csrf_of

    return csrf_of(client.get("/auth/sign-in").text)


def test_the_outbox_is_for_admins_only(person):
    admin = person("admin@example.org", access=Access.ADMIN)
    page = admin.client.get("/admin/outbox")
    assert page.status_code == 200
    assert "Your sign-in link for crowd" in page.text
    assert 'href="/admin/outbox"' in page.text
    for level in (Access.PARTICIPANT, Access.MODERATOR, Access.LEAD):
        who = person(f"{level.value}@example.org", access=level)
        assert who.client.get("/admin/outbox").status_code == 403
        assert 'href="/admin/outbox"' not in who.client.get("/").text
