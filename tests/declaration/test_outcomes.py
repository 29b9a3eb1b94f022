"""Measurable outcomes: units, targets, red/amber/green, and suggested wording the moderator edits."""

from __future__ import annotations

import pytest
from sqlmodel import select

from crowd.models import Access, Outcome
from crowd.services.declaration import foundations
from crowd.services.declaration.outcomes import Rag, key_phrases, parse_value, rag
from crowd.services.errors import DomainError
from tests.declaration.conftest import post_ideas

GOOD = {
    "kind": "achievement",
    "name": "People asked what matters",
    "definition": "Share of survey respondents who say so",
    "unit": "percentage",
    "direction": "higher",
    "baseline": "40",
    "target": "75",
    "period": "by 2028",
    "data_source": "Survey",
}


@pytest.fixture
def foundation_path(person, db):
    mod = person("mod@example.org", access=Access.MODERATOR)
    with db.write() as session:
        f = foundations.create_foundation(session, actor_id=None, title="Get Personal", statement="We must.")
    return mod, f"/foundations/{f.id}"


def test_moderator_adds_an_outcome_with_baseline_and_target(foundation_path, db):
    mod, path = foundation_path
    page = mod.post(f"{path}/outcomes", GOOD)
    assert "Outcome saved." in page.text
    assert "People asked what matters" in page.text
    with db.read() as session:
        outcome = session.exec(select(Outcome)).one()
    assert (outcome.baseline, outcome.target, outcome.unit.value, outcome.kind.value) == (
        40,
        75,
        "percentage",
        "achievement",
    )


BAD_OUTCOMES = [
    ({"target": ""}, "Enter a target: an outcome without a target cannot be measured"),
    ({"target": "140"}, "A percentage must be between 0 and 100."),
    ({"baseline": "lots"}, "Enter a number for this percentage."),
    ({"unit": "count", "target": "2.5"}, "A count must be a whole number, 0 or more."),
    ({"unit": "scale", "target": "7"}, "A scale value must be between 1 and 5."),
    ({"unit": "yes_no", "target": "maybe", "baseline": "no"}, "Answer yes or no."),
    ({"name": ""}, "Enter a name for the outcome"),
]


def test_outcome_with_bad_input_is_refused_and_nothing_is_stored(foundation_path, db):
    mod, path = foundation_path
    for change, message in BAD_OUTCOMES:
        response = mod.post(f"{path}/outcomes", {**GOOD, **change})
        assert response.status_code == 400
        assert message in response.text
    with db.read() as session:
        assert session.exec(select(Outcome)).all() == []


def test_values_are_checked_against_their_unit():
    assert parse_value("percentage", "75%") == 75
    assert parse_value("yes_no", "Yes") == 1
    assert parse_value("count", "1,200") == 1200
    assert parse_value("rate", "0.4") == 0.4
    for unit, raw in [
        ("percentage", "140"),
        ("percentage", "a lot"),
        ("count", "-1"),
        ("scale", "0"),
        ("rate", "nan"),
    ]:
        with pytest.raises(DomainError):
            parse_value(unit, raw)


def test_red_amber_green_follow_the_outcomes_direction():
    higher = {"baseline": 40.0, "target": 80.0, "direction": "higher"}
    assert rag(value=80, **higher) == Rag.GREEN
    assert rag(value=95, **higher) == Rag.GREEN
    assert rag(value=60, **higher) == Rag.AMBER  # exactly halfway
    assert rag(value=59, **higher) == Rag.RED
    lower = {"baseline": 4.0, "target": 2.0, "direction": "lower"}
    assert rag(value=1.5, **lower) == Rag.GREEN
    assert rag(value=3, **lower) == Rag.AMBER
    assert rag(value=3.5, **lower) == Rag.RED
    assert rag(value=None, status="partly", **higher) == Rag.AMBER
    assert rag(value=None, status="met", **higher) == Rag.GREEN
    assert rag(value=None, status="not_yet", **higher) == Rag.RED
    assert rag(value=50, baseline=None, target=80, direction="higher") == Rag.RED


def test_suggested_wording_comes_from_pinned_quotes_and_is_not_saved(foundation_path, db):
    mod, path = foundation_path
    _, ids = post_ideas(
        db,
        [
            "I want to tell my story once, not five times.",
            "Having to tell my story again to every nurse is exhausting.",
            "Let me tell my story once and have it shared.",
        ],
    )
    for contribution_id in ids:
        mod.post(f"{path}/evidence", {"kind": "quote", "contribution_id": str(contribution_id)})
    page = mod.client.get(f"{path}/outcomes/new?suggest=1").text
    assert "A suggestion, not an answer" in page
    assert "Percentage of people who say tell my story" in page
    with db.read() as session:
        assert session.exec(select(Outcome)).all() == []


def test_key_phrases_count_each_text_once():
    texts = ["care plan care plan care plan", "a shared care plan", "waiting times"]
    assert key_phrases(texts)[0] == "care plan"
