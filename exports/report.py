"""The engagement report: how many people, from where, shaped the declaration. HTML and PDF.

Both formats share one list of sections (a chart and the table behind it). Counts of people under
five are shown as "<5" everywhere, including the borough tile map.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from exports.contracts import EngagementReport
from exports.fonts import FONT_FAMILIES
from exports.london import LONDON_BOROUGHS, OUTSIDE_LONDON
from exports.report_html import REPORT_HTML
from exports.suppression import DEFAULT_THRESHOLD, SUPPRESSED, suppress_counts
from exports.text import long_date
from exports.typesetting import compile_template

ReportFormat = Literal["html", "pdf"]
POLL_LABELS = {"completely": "Completely", "mostly": "Mostly", "partly": "Partly", "not_at_all": "Not at all"}


@dataclass(frozen=True)
class Section:
    title: str
    svg: str
    header: tuple[str, str]
    rows: list[tuple[str, str]]
    note: str = ""


def _people_rows(counts: dict[str, int], shown: dict[str, int | None]) -> list[tuple[str, str]]:
    """Rows of people counts as ``shown`` (None where suppressed, complementary cells included)."""
    from exports import charts  # matplotlib, imported when a report is made rather than at start-up

    order = sorted(counts, key=lambda key: -counts[key])
    return [(key, charts.count_label(shown[key])) for key in order]


def _count_rows(counts: dict[str, int]) -> list[tuple[str, str]]:
    return [(key, f"{value:,}") for key, value in sorted(counts.items(), key=lambda kv: -kv[1])]


def report_sections(report: EngagementReport) -> list[Section]:
    from exports import charts  # matplotlib, imported when a report is made rather than at start-up

    boroughs = {name: report["participants_by_borough"].get(name, 0) for name in LONDON_BOROUGHS}
    boroughs[OUTSIDE_LONDON] = report["participants_by_borough"].get(OUTSIDE_LONDON, 0)
    # Small counts hidden, and enough others that none is "the total minus the rest" (the total is shown).
    threshold = report.get("small_cell_threshold", DEFAULT_THRESHOLD)
    roles = suppress_counts(report["participants_by_role"], threshold).shown(None)
    orgs = suppress_counts(report["participants_by_org_type"], threshold).shown(None)
    shown_boroughs = suppress_counts(boroughs, threshold).shown(None)
    poll = report["poll"]
    shown_poll = suppress_counts(poll, threshold).shown(None)
    poll_total = sum(poll.values()) or 1
    themes = {theme["label"]: theme["size"] for theme in report["themes"]}
    activity = report["activity_by_day"]
    return [
        Section(
            "Participants by role",
            charts.bar_chart(roles, title="People by role", prefix="role", suppress=False),
            ("Role", "People"),
            _people_rows(report["participants_by_role"], roles),
        ),
        Section(
            "Participants by organisation type",
            charts.bar_chart(orgs, title="People by organisation", prefix="org", suppress=False),
            ("Organisation type", "People"),
            _people_rows(report["participants_by_org_type"], orgs),
        ),
        Section(
            "Participants by borough",
            charts.borough_tile_map(shown_boroughs, prefix="map"),
            ("Borough", "People"),
            _people_rows(boroughs, shown_boroughs),
            note="One square per London borough, placed roughly where it lies; darker means more people. "
            "OUT is people from outside London. Fewer than 5 people are shown as <5.",
        ),
        Section(
            "Activity over time",
            charts.activity_chart(activity, prefix="activity"),
            ("Day", "Ideas / comments / votes"),
            [
                (long_date(day), f"{ideas:,} / {comments:,} / {votes:,}")
                for day, ideas, comments, votes in activity
            ],
        ),
        Section(
            "Contributions per section",
            charts.bar_chart(
                report["contributions_by_section"], title="Contributions", prefix="section", suppress=False
            ),  # fmt: skip
            ("Section", "Contributions"),
            _count_rows(report["contributions_by_section"]),
        ),
        Section(
            "Contributions per stream",
            charts.bar_chart(
                report["contributions_by_stream"], title="Contributions", prefix="stream", suppress=False
            ),  # fmt: skip
            ("Stream", "Contributions"),
            _count_rows(report["contributions_by_stream"]),
        ),
        Section(
            "Straw poll",
            charts.poll_chart(poll, prefix="poll", hidden={k for k, v in shown_poll.items() if v is None}),
            ("Answer", "People"),
            [(label, _poll_cell(shown_poll.get(key, 0), poll_total)) for key, label in POLL_LABELS.items()],
        ),
        Section(
            "Themes",
            charts.bar_chart(themes, title="Contributions per theme", prefix="themes", suppress=False),
            ("Theme", "Contributions"),
            _count_rows(themes),
        ),
        *equality_sections(report),
    ]


def equality_sections(report: EngagementReport) -> list[Section]:
    """Who took part by the equality monitoring categories: tables only (a chart would have to draw
    the suppressed counts), the counts suppressed before they reach here."""
    sections = []
    for table in report.get("equality", []):
        rows = [
            (
                row["group"],
                str(row["people"])
                + (f" ({row['share']})" if row["share"] else "")
                + (f"; reference {row['reference']}" if row["reference"] else "")
                + ("; under-represented" if row["under"] else ""),
            )
            for row in table["rows"]
        ]
        rows.append(("Total who answered", str(table["total"])))
        note = "Share of the people who answered; reference shares as entered by the lead. " + table["note"]
        sections.append(
            Section(f"Who took part: {table['title'].lower()}", "", ("Group", "People"), rows, note)
        )
    return sections


def _poll_cell(count: int | None, total: int) -> str:
    """'12 (40%)'; '<5' alone where the count is suppressed (a share would give it away)."""
    from exports import charts  # matplotlib, imported when a report is made rather than at start-up

    return charts.count_label(count) if count is None else f"{count:,} ({count / total:.0%})"


def key_figures(report: EngagementReport) -> list[dict[str, str]]:
    threshold = report.get("small_cell_threshold", DEFAULT_THRESHOLD)
    people = sum(report["participants_by_role"].values())
    poll_hidden = suppress_counts(report["poll"], threshold).hidden()
    areas = sum(1 for name in LONDON_BOROUGHS if report["participants_by_borough"].get(name, 0) > 0)
    contributions = sum(report["contributions_by_stream"].values())
    poll = report["poll"]
    support = (poll.get("completely", 0) + poll.get("mostly", 0)) / (sum(poll.values()) or 1)
    return [
        {"value": SUPPRESSED if 0 < people < threshold else f"{people:,}", "label": "people took part"},
        {"value": f"{areas}", "label": "London boroughs"},
        {"value": f"{contributions:,}", "label": "contributions"},
        # the share would give away suppressed poll counts
        {"value": SUPPRESSED if poll_hidden else f"{support:.0%}", "label": "agree completely or mostly"},
    ]


def render_report(*, report: EngagementReport, fmt: ReportFormat) -> bytes:
    """The report as a self-contained HTML page (charts inlined) or a PDF."""
    sections = report_sections(report)
    if fmt == "html":
        return render_html(report=report, sections=sections).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(report=report, sections=sections)
    raise ValueError(f"Unknown report format {fmt!r}")


def write_report(*, report: EngagementReport, path: str | Path) -> Path:
    """Write the report to ``path``; the format follows its suffix (.html or .pdf)."""
    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in ("html", "pdf"):
        raise ValueError(f"Cannot tell the report format from {target.name!r}: use .html or .pdf")
    target.write_bytes(render_report(report=report, fmt=fmt))
    return target


_ENVIRONMENT = Environment(autoescape=select_autoescape(default=True, default_for_string=True))


def render_html(*, report: EngagementReport, sections: list[Section]) -> str:
    template = _ENVIRONMENT.from_string(REPORT_HTML)
    return template.render(
        title=report["title"],
        generated_at=report["generated_at"],
        key_figures=key_figures(report),
        # The SVGs are made here by matplotlib, which escapes every label it writes.
        sections=[(section, Markup(section.svg)) for section in sections],  # noqa: S704
    )


def render_pdf(*, report: EngagementReport, sections: list[Section]) -> bytes:
    data = {
        "title": report["title"],
        "generated_at": report["generated_at"],
        "fonts": list(FONT_FAMILIES),
        "key_figures": key_figures(report),
        "sections": [
            {
                "title": s.title,
                "svg": s.svg,
                "note": s.note,
                "header": list(s.header),
                "rows": [{"label": label, "count": count} for label, count in s.rows],
            }
            for s in sections
        ],
    }
    result = compile_template(template="report.typ", data=data, fmt="pdf")
    assert isinstance(result, bytes)
    return result
