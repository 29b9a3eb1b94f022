"""The benchmark: every outcome of a published version across organisations and boroughs, rated
red/amber/green against its target (see `crowd.services.declaration.outcomes.Rag`), and each organisation's
progress over periods. Built from the frozen snapshot and the assessments; read-only."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session

from crowd.models import Assessment, DeclarationVersion, Signatory
from crowd.services.declaration.outcomes import Rag, format_value, rag
from crowd.services.declaration.periods import period_key, sort_periods
from crowd.services.declaration.signatories import assessments_of, signatories_of
from crowd.services.declaration.snapshot import outcomes_by_key
from crowd.services.declaration.trend import Trend, build_trend


@dataclass(frozen=True)
class Cell:
    value: str
    rag: Rag
    evidence: str = ""
    number: float | None = None


@dataclass
class OrganisationRow:
    signatory: Signatory
    period: str
    cell: Cell


@dataclass
class BoroughRow:
    borough: str
    counts: dict[Rag, int]
    mean: str


@dataclass
class OutcomeBench:
    key: str
    foundation_title: str
    outcome: dict
    rows: list[OrganisationRow] = field(default_factory=list)
    boroughs: list[BoroughRow] = field(default_factory=list)

    @property
    def target(self) -> str:
        return format_value(self.outcome["unit"], self.outcome["target"])

    @property
    def baseline(self) -> str:
        return format_value(self.outcome["unit"], self.outcome["baseline"])


@dataclass
class Progress:
    signatory: Signatory
    periods: list[str]
    # outcome key -> period -> cell
    cells: dict[str, dict[str, Cell]]
    # outcome key -> its values over the periods, against baseline and target (None: nothing to draw)
    trends: dict[str, Trend | None] = field(default_factory=dict)


@dataclass
class Benchmark:
    declaration: DeclarationVersion
    outcomes: list[OutcomeBench]
    progress: list[Progress]
    signatories: list[Signatory]


def cell_of(outcome: dict, assessment: Assessment) -> Cell:
    shown = format_value(outcome["unit"], assessment.value)
    if assessment.status:
        shown = f"{assessment.status.label}{f' ({shown})' if shown else ''}"
    colour = rag(
        value=assessment.value,
        status=assessment.status,
        baseline=outcome["baseline"],
        target=outcome["target"],
        direction=outcome["direction"],
    )
    return Cell(shown, colour, assessment.evidence, assessment.value)


def build_benchmark(session: Session, *, declaration: DeclarationVersion) -> Benchmark:
    assert declaration.snapshot is not None
    outcomes = outcomes_by_key(declaration.snapshot)
    signatories = signatories_of(session, declaration_id=declaration.id)
    by_signatory: dict[int, list[Assessment]] = defaultdict(list)
    for assessment in assessments_of(session, signatory_ids=[s.id for s in signatories]):
        by_signatory[assessment.signatory_id].append(assessment)
    benches = {
        key: OutcomeBench(key, foundation["title"], outcome)
        for key, (foundation, outcome) in outcomes.items()
    }
    progress = []
    for signatory in signatories:
        own = [a for a in by_signatory[signatory.id] if a.outcome_key in outcomes]
        periods = sort_periods({a.period for a in own})
        cells: dict[str, dict[str, Cell]] = defaultdict(dict)
        latest: dict[str, Assessment] = {}
        for a in sorted(own, key=lambda a: period_key(a.period)):
            cells[a.outcome_key][a.period] = cell_of(outcomes[a.outcome_key][1], a)
            latest[a.outcome_key] = a
        for key, a in latest.items():
            benches[key].rows.append(OrganisationRow(signatory, a.period, cells[key][a.period]))
        trends = {
            key: build_trend(
                [(p, by_period[p].number if p in by_period else None) for p in periods],
                baseline=outcomes[key][1]["baseline"],
                target=outcomes[key][1]["target"],
            )
            for key, by_period in cells.items()
        }
        progress.append(Progress(signatory, periods, dict(cells), trends))
    for bench in benches.values():
        bench.boroughs = _by_borough(bench)
    return Benchmark(declaration, list(benches.values()), progress, signatories)


def _by_borough(bench: OutcomeBench) -> list[BoroughRow]:
    groups: dict[str, list[OrganisationRow]] = defaultdict(list)
    for row in bench.rows:
        groups[row.signatory.borough].append(row)
    rows = []
    for borough in sorted(groups):
        counts = {colour: 0 for colour in Rag}
        values = []
        for row in groups[borough]:
            counts[row.cell.rag] += 1
        for row in groups[borough]:
            number = _number(row.cell.value)
            if number is not None:
                values.append(number)
        mean = format_value(bench.outcome["unit"], sum(values) / len(values)) if values else ""
        rows.append(BoroughRow(borough, counts, mean))
    return rows


def _number(shown: str) -> float | None:
    try:
        return float(shown.rstrip("%"))
    except ValueError:
        return None


CSV_COLUMNS = (
    "version",
    "foundation",
    "outcome",
    "unit",
    "direction",
    "baseline",
    "target",
    "organisation",
    "organisation_type",
    "borough",
    "period",
    "value",
    "rag",
    "evidence",
)


def benchmark_rows(benchmark: Benchmark) -> list[list[object]]:
    """Every recorded assessment of the version, one row each, in CSV_COLUMNS order."""
    assert benchmark.declaration.snapshot is not None
    outcomes = outcomes_by_key(benchmark.declaration.snapshot)
    rows: list[list[object]] = []
    for item in benchmark.progress:
        s = item.signatory
        for key, by_period in item.cells.items():
            foundation, outcome = outcomes[key]
            for period, cell in sorted(by_period.items(), key=lambda item: period_key(item[0])):
                rows.append(
                    [
                        benchmark.declaration.number,
                        foundation["title"],
                        outcome["name"],
                        outcome["unit"],
                        outcome["direction"],
                        outcome["baseline"],
                        outcome["target"],
                        s.organisation_name,
                        s.kind.label,
                        s.borough,
                        period,
                        cell.value,
                        cell.rag.value,
                        cell.evidence,
                    ]
                )
    return rows
