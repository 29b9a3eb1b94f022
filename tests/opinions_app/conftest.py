"""Fixtures for the opinion map tests: a workshop with three planted camps of voters."""

from __future__ import annotations

import pytest

from tests.conftest import make_workshop
from tests.opinions_app.camps import Camps, build_camps


@pytest.fixture
def camps(db) -> Camps:
    workshop, sections = make_workshop(db)
    return build_camps(db, workshop, sections[0].id)
