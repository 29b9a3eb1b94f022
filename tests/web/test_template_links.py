"""Every address a template links to or posts to is served by a route.

A route dropped from crowd/app.py's table (it happened twice while several people edited it at once)
leaves pages linking to a 404; the access matrix only checks the routes that are there.
"""

import re
from pathlib import Path

import pytest
from starlette.routing import Match

from crowd.app import create_app
from crowd.settings import Settings

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
ADDRESS = re.compile(r'(?:href|action|hx-get|hx-post|src)="(/[^"]*)"')
STATEMENT = re.compile(r"{%.*?%}")
EXPRESSION = re.compile(r"{{.*?}}")


def addresses() -> list[tuple[str, str]]:
    found = set()
    for template in sorted(TEMPLATES.rglob("*.html")):
        for raw in ADDRESS.findall(template.read_text()):
            path = EXPRESSION.sub("1", STATEMENT.sub("", raw)).split("?")[0].split("#")[0]
            if path.startswith("/1"):  # the whole address is an expression: built elsewhere
                continue
            found.add((str(template.relative_to(TEMPLATES)), path))
    return sorted(found)


@pytest.fixture(scope="module")
def routes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("links")
    settings = Settings(
        database_url=f"sqlite:///{folder / 'crowd.db'}", secret_key="x" * 40, data_dir=str(folder)
    )
    return create_app(settings, migrate=False).router.routes


def test_templates_link_to_addresses():
    assert len(addresses()) > 100


@pytest.mark.parametrize(("template", "path"), addresses(), ids=lambda v: v)
def test_every_linked_address_has_a_route(routes, template, path):
    scope = {"type": "http", "path": path, "method": "GET", "root_path": ""}
    matched = [route for route in routes if route.matches(scope)[0] != Match.NONE]
    assert matched, f"{template} links to {path}, which no route serves"
