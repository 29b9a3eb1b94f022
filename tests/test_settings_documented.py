"""Every setting is documented: the table in docs/settings.md names each Settings field's variable."""

import dataclasses
import re
from pathlib import Path

import pytest

from crowd.settings import Settings

SETTINGS_PAGE = Path(__file__).resolve().parent.parent / "docs" / "settings.md"


def documented_names() -> set[str]:
    if not SETTINGS_PAGE.exists():
        pytest.fail(f"{SETTINGS_PAGE} is missing: it must hold the settings table")
    table_rows = [
        line
        for line in SETTINGS_PAGE.read_text(encoding="utf-8").splitlines()
        if line.lstrip().startswith("|")
    ]
    return {name for row in table_rows for name in re.findall(r"\b[A-Z][A-Z0-9_]+\b", row)}


@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(Settings)])
def test_every_setting_is_in_the_settings_page(field):
    assert field.upper() in documented_names(), (
        f"Settings.{field} is not documented: add a row for {field.upper()} to the table in docs/settings.md"
    )
