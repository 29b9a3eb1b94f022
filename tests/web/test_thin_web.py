"""Routes stay thin: they parse, authorise, call a service and render; queries live in crowd/services."""

import re
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "crowd" / "web"
QUERY = re.compile(r"select\(|session\.get\(")


def test_no_web_module_queries_the_database():
    found = [
        f"crowd/web/{path.name}:{number}: {line.strip()}"
        for path in sorted(WEB.glob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if QUERY.search(line)
    ]
    assert not found, "Move these look-ups into a service (crowd/services/<domain>/):\n" + "\n".join(found)


def test_web_modules_import_no_orm_query_tools():
    imports = re.compile(r"^\s*(from|import) (sqlmodel|sqlalchemy)\b(?!\.exc)", re.MULTILINE)
    found = [
        path.name for path in sorted(WEB.glob("*.py")) if imports.search(path.read_text(encoding="utf-8"))
    ]
    assert not found, (
        f"crowd/web modules importing the ORM (only its exceptions may be caught there): {found}"
    )
