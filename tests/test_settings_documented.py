"""Every setting is documented: README.md's settings table names each Settings field's variable."""

import dataclasses
import re
from pathlib import Path

import pytest

from crowd.settings import Settings

README = Path(__file__).resolve().parent.parent / "README.md"


def documented_names() -> set[str]:
    if not README.exists():
        pytest.fail(f"{README} is missing: it must hold the settings table (see docs/readme/settings.md)")
    table_rows = [
        line for line in README.read_text(encoding="utf-8").splitlines() if line.lstrip().startswith("|")
    ]
    return {name for row in table_rows for name in re.findall(r"\b[A-Z][A-Z0-9_]+\b", row)}


@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(Settings)])
def test_every_setting_is_in_the_readme_settings_table(field):
    assert field.upper() in documented_names(), (
        f"Settings.{field} is not documented: add a row for {field.upper()} to README.md's settings table"
    )
