"""What the fuzz tests post: the POST routes from the route table, the fields each form sends (read from
the templates), and hypothesis strategies for hostile values."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlmodel import SQLModel
from starlette.routing import Route

from crowd.app import ROUTES

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
ACTION = re.compile(r'action="([^"]*)"')
FIELD = re.compile(
    r"""(?:\b(?:input|textarea|select|radios|checkbox|checkboxes)\(\s*["'](\w+)["']|name="(\w+)")"""
)
PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{[^}]*\}")
SKIP = {"csrf_token"}


def post_routes() -> list[tuple[str, object]]:
    return [
        (route.path, route.endpoint)
        for route in ROUTES
        if isinstance(route, Route) and "POST" in (route.methods or set())
    ]


def _shape(path: str) -> str:
    return PLACEHOLDER.sub("*", path.split("?")[0].split("#")[0]).rstrip("/")


def _forms() -> list[tuple[str, set[str]]]:
    found = []
    for template in TEMPLATES.rglob("*.html"):
        for attributes, body in FORM.findall(template.read_text(encoding="utf-8")):
            action = ACTION.search(attributes)
            if action:
                names = {a or b for a, b in FIELD.findall(body)} - SKIP
                found.append((_shape(action.group(1)), names))
    return found


FORMS = _forms()
EVERY_FIELD = sorted({name for _, names in FORMS for name in names})


def fields_of(path: str) -> list[str]:
    """The fields the templates' forms post to this route (every known field when no form matches)."""
    shape = _shape(path)
    names = {name for action, fields in FORMS if action == shape for name in fields}
    return sorted(names) or EVERY_FIELD


hostile_text = st.one_of(
    st.text(max_size=60),  # any unicode, control characters and NUL included
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20).map(lambda s: s * 2000),  # huge
    st.sampled_from(
        [
            "",
            " ",
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "'; DROP TABLE contribution; --",
            "1 OR 1=1",
            "%s %n {0} {{7*7}}",
            "-1",
            "0",
            "99999999999999999999999",
            "1e309",
            "NaN",
            "3.5",
            "yes",
            "on",
            "\x00",
            "a\x00b",
            "\u202e\u200b\ufeff",
            "../../etc/passwd",
            "javascript:alert(1)",
        ]
    ),
    st.integers(min_value=-(2**63), max_value=2**63).map(str),
)


def form_values(path: str):
    names = fields_of(path)
    return st.dictionaries(st.sampled_from(names), hostile_text, max_size=len(names))


def row_counts(db) -> dict[str, int]:
    with db.read() as session:
        return {
            table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in SQLModel.metadata.sorted_tables
        }
