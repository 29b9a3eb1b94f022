"""Fixtures for the opinion tests."""

from __future__ import annotations

import pytest

from tests.opinions.opinion_fixtures import Planted, planted_votes


@pytest.fixture
def two_camps() -> Planted:
    return planted_votes(camps=2)


@pytest.fixture
def three_camps() -> Planted:
    return planted_votes(camps=3, per_camp=40, statements=30, seen=24, seed=3)
