"""Fixtures for the export tests."""

from __future__ import annotations

import pytest

from exports.contracts import Declaration
from exports.sample import sample_declaration


@pytest.fixture
def declaration() -> Declaration:
    return sample_declaration()
