"""The benchmark over time: periods in time order, a trend chart per organisation and outcome, a CSV row per period."""

from __future__ import annotations

import csv
import io
import re

import pytest

from crowd.models import Access
from crowd.services.declaration.periods import sort_periods
from crowd.services.declaration.trend import build_trend
from tests.declaration.test_signatories import KEY, _assess, _signed_up


@pytest.mark.parametrize(
    ("written", "in_time_order"),
    [
        (["2027 Q1", "2026 Q4", "2026 Q3"], ["2026 Q3", "2026 Q4", "2027 Q1"]),
        (["Q1 2027", "2026 Q4"], ["2026 Q4", "Q1 2027"]),
        (["2026 H2", "2026 H1", "2025"], ["2025", "2026 H1", "2026 H2"]),
        (["December 2026", "March 2026", "2026-07"], ["March 2026", "2026-07", "December 2026"]),
        (["2026-27", "2025-26", "2027 Q2"], ["2025-26", "2026-27", "2027 Q2"]),
        (["Baseline", "2026 Q1"], ["2026 Q1", "Baseline"]),
    ],
)
def test_periods_sort_as_periods_not_as_text(written, in_time_order):
    assert sort_periods(written) == in_time_order


def test_trend_has_a_point_per_value_and_the_target_line_above_a_rising_series():
    trend = build_trend([("2026 Q3", 40.0), ("2026 Q4", None), ("2027 Q1", 60.0)], baseline=40, target=75)
    assert [p.period for p in trend.points] == ["2026 Q3", "2027 Q1"]
    assert trend.points[0].x < trend.points[1].x and trend.points[1].y < trend.points[0].y  # up is better
    assert trend.target_y < trend.points[1].y  # 75 drawn above 60
    assert trend.baseline_y == pytest.approx(trend.points[0].y)
    assert build_trend([("2026 Q3", None)], baseline=40, target=75) is None  # ratings only: nothing to draw


def test_benchmark_takes_the_latest_period_in_time_and_charts_each_organisation(
    person, client, db, published
):
    priya, signatory_id = _signed_up(person, published)
    for period, value in (("2027 Q1", "70"), ("2026 Q4", "60"), ("2026 Q3", "45")):
        assert _assess(priya, signatory_id, period=period, **{f"{KEY}-value": value}).status_code == 200
    page = client.get("/declaration/benchmark").text
    # "Latest" is 2027 Q1 (a text sort would have taken 2026 Q4 or 2026 Q3 last)
    assert 'data-rag="amber" data-org="Hackney Central PCN">70% · Amber' in page
    progress = page[page.index('id="progress-') :]
    headers = re.findall(r'<th class="nhsuk-table__header" scope="col">([^<]+)</th>', progress)
    assert headers[1:5] == ["2026 Q3", "2026 Q4", "2027 Q1", "Trend"]
    chart = re.search(r'<svg class="crowd-trend".*?</svg>', progress, re.S).group(0)
    assert re.findall(r'data-period="([^"]+)"', chart) == ["2026 Q3", "2026 Q4", "2027 Q1"]
    assert 'data-line="target"' in chart and 'data-line="baseline"' in chart
    assert "2026 Q3 45%; 2026 Q4 60%; 2027 Q1 70%" in chart  # the chart's text alternative

    lead = person("lead@example.org", access=Access.LEAD)
    rows = list(csv.DictReader(io.StringIO(lead.client.get("/declaration/benchmark.csv").text)))
    assert [(r["organisation"], r["period"], r["value"]) for r in rows] == [
        ("Hackney Central PCN", "2026 Q3", "45%"),
        ("Hackney Central PCN", "2026 Q4", "60%"),
        ("Hackney Central PCN", "2027 Q1", "70%"),
    ]


def test_organisation_names_in_the_chart_label_are_escaped(person, client, published):
    priya, signatory_id = _signed_up(person, published, organisation_name='<svg onload="alert(1)"> PCN')
    _assess(priya, signatory_id, **{f"{KEY}-value": "50"})
    page = client.get("/declaration/benchmark").text
    assert '<svg onload="alert(1)">' not in page
    assert "&lt;svg onload=" in page
