"""The data behind the declaration as a zip: CSV, JSON Lines and XLSX per table, and a README.

Rows are streamed: each table's rows are read once, one at a time, and written to the CSV entry of the
zip, a JSON Lines temporary file and a write-only XLSX workbook (which openpyxl spools to disk), so a
table of any length uses constant memory. Anonymised by default: personal columns are dropped,
participant ids become stable pseudonyms, emails in text are masked and cells describing fewer than
five people are suppressed. Spreadsheet cells that start like a formula are neutralised (OWASP).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook

from exports.anonymise import (
    SMALL_CELL_THRESHOLD,
    SUPPRESSED,
    is_small,
    mask_emails,
    pseudonym,
    suppress_small_cells,
)
from exports.contracts import ColumnDescriptions, DataSnapshot, Row
from exports.suppression import k_anonymise, suppress_table
from exports.text import printable

__all__ = [
    "TABLE_NAMES",
    "DataExportSummary",
    "neutralise_formula",
    "pseudonym",
    "suppress_small_cells",
    "write_data_zip",
]

TABLE_NAMES = (
    "contributions",
    "votes_by_item_segment",
    "themes",
    "theme_members",
    "poll_results",
    "outcomes",
    "assessments",
)
# Dropped from anonymised exports.
PERSONAL_COLUMNS = frozenset(
    {
        "display_name", "full_name", "email", "phone",
        "author_name", "author_email", "participant_name", "participant_email",
        "voter_name", "voter_email", "assessor_name", "assessor_email",
    }
)  # fmt: skip
# Replaced by pseudonyms in anonymised exports.
PARTICIPANT_ID_COLUMNS = frozenset({"participant_id", "author_id", "voter_id", "user_id", "assessor_id"})
# A row whose people count is small has these counts suppressed too (they would reveal the few).
PEOPLE_COUNT_COLUMNS = frozenset({"participants", "people"})
GROUP_COUNT_COLUMNS = PEOPLE_COUNT_COLUMNS | {"agree", "disagree", "pass", "votes"}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CELL_LIMIT = 32_767
PROGRESS_EVERY = 1_000
_TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,30}$")

Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class GroupedCounts:
    """A table whose consecutive rows with the same ``keys`` form one small table of people counts:
    ``cells`` per row, ``total`` the row's total, and the column totals public elsewhere (the vote
    counts of each item). Anonymised, each group gets complementary suppression (exports.suppression)."""

    keys: tuple[str, ...]
    total: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class QuasiIdentifiers:
    """Columns that together could single a person out, and the people behind each combination of their
    values; anonymised, rare combinations are generalised (k-anonymity, k = the threshold)."""

    columns: tuple[str, ...]
    sizes: Mapping[tuple, int]


GROUPED_COUNTS = {
    "votes_by_item_segment": GroupedCounts(
        keys=("contribution_id", "segment_kind"), total="participants", cells=("agree", "disagree", "pass")
    )
}


@dataclass
class DataExportSummary:
    """What was written: rows per table, the zip's member names, and whether it is anonymised."""

    anonymised: bool
    rows: dict[str, int] = field(default_factory=dict)
    columns: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


def neutralise_formula(value: object) -> object:
    """A string a spreadsheet would run as a formula gets a leading apostrophe; others pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_data_zip(
    *,
    snapshot: DataSnapshot,
    out: str | Path | IO[bytes],
    anonymise: bool = True,
    secret: str | None = None,
    column_descriptions: ColumnDescriptions | None = None,
    group_sizes: Mapping[str, Mapping[str, int]] | None = None,
    quasi_identifiers: Mapping[str, QuasiIdentifiers] | None = None,
    grouped_counts: Mapping[str, GroupedCounts] | None = None,
    threshold: int = SMALL_CELL_THRESHOLD,
    progress: Progress | None = None,
    generated_at: str | None = None,
) -> DataExportSummary:
    """Write ``snapshot`` to the zip ``out`` (a path or a binary file) and say what was written.

    ``secret`` keys the pseudonyms (required when anonymising; the same secret gives the same
    pseudonyms in every export). ``group_sizes`` maps a column (such as "borough" or "role") to the
    number of people in each of its values; in an anonymised export a value held by fewer than
    ``threshold`` people is written as "<5". ``quasi_identifiers`` (table -> columns and people per
    combination) makes those columns k-anonymous (k = ``threshold``): a rare combination is generalised.
    ``grouped_counts`` (default `GROUPED_COUNTS`) names tables of counts that get complementary
    suppression, so no hidden count can be worked out by subtraction from the published totals.
    ``progress(table, rows_written)`` is called as rows go.
    """
    if anonymise and not secret:
        raise ValueError("An anonymised export needs the secret that keys the pseudonyms")
    summary = DataExportSummary(anonymised=anonymise)
    grouped = GROUPED_COUNTS if grouped_counts is None else grouped_counts
    plans = {
        table: (qi.columns, k_anonymise(qi.sizes, threshold))
        for table, qi in (quasi_identifiers or {}).items()
    }
    small_values = {
        column: {value for value, people in sizes.items() if is_small(people, threshold=threshold)}
        for column, sizes in (group_sizes or {}).items()
    }
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, (columns, rows) in snapshot.items():
            if not _TABLE_NAME.match(name):
                raise ValueError(f"Table name {name!r} is not a safe file name")
            shaper = _RowShaper(
                columns=list(columns),
                anonymise=anonymise,
                secret=secret or "",
                small_values=small_values,
                threshold=threshold,
                generalise=plans.get(name),
            )
            if anonymise and name in grouped:
                rows = _suppress_groups(rows, spec=grouped[name], columns=list(columns), threshold=threshold)
            count = _write_table(archive, name=name, shaper=shaper, rows=rows, progress=progress)
            summary.rows[name] = count
            summary.columns[name] = shaper.output_columns
            summary.files += [f"csv/{name}.csv", f"json/{name}.jsonl", f"xlsx/{name}.xlsx"]
        readme = _readme(summary=summary, descriptions=column_descriptions or {}, generated_at=generated_at,
                         threshold=threshold)  # fmt: skip
        archive.writestr("README.md", readme)
        summary.files.insert(0, "README.md")
    return summary


class _RowShaper:
    """Turns one input row into one output row (anonymised or not), as plain JSON-able values."""

    def __init__(
        self,
        *,
        columns: list[str],
        anonymise: bool,
        secret: str,
        small_values: Mapping[str, set[str]],
        threshold: int,
        generalise: tuple[tuple[str, ...], Mapping[tuple, tuple]] | None = None,
    ) -> None:
        self.input_columns = columns
        self.anonymise = anonymise
        self.secret = secret
        self.threshold = threshold
        self.small_values = small_values if anonymise else {}
        self.kept = [c for c in columns if not (anonymise and c.lower() in PERSONAL_COLUMNS)]
        self.output_columns = self.kept
        self.people_columns = [c for c in self.kept if c in PEOPLE_COUNT_COLUMNS] if anonymise else []
        self.generalise = generalise if anonymise else None

    def __call__(self, row: Row) -> list[Any]:
        values = row if isinstance(row, Mapping) else dict(zip(self.input_columns, row, strict=True))
        if self.generalise is not None:
            columns, plan = self.generalise
            combo = tuple(_plain(values.get(c)) for c in columns)
            # a combination the plan has not seen is replaced whole: never publish an unchecked one
            published = plan.get(combo, (SUPPRESSED,) * len(columns))
            values = {**values, **dict(zip(columns, published, strict=True))}
        small_group = any(is_small(values.get(c), threshold=self.threshold) for c in self.people_columns)
        return [self._value(column, values.get(column), small_group) for column in self.kept]

    def _value(self, column: str, value: object, small_group: bool) -> object:
        value = _plain(value)
        if not self.anonymise or value is None:
            return value
        if column in PARTICIPANT_ID_COLUMNS:
            return pseudonym(value, self.secret)
        if small_group and column in GROUP_COUNT_COLUMNS:
            return SUPPRESSED
        if column in self.small_values and value in self.small_values[column]:
            return SUPPRESSED
        if isinstance(value, str):
            return mask_emails(value)
        return value


def _suppress_groups(
    rows: Iterable[Row], *, spec: GroupedCounts, columns: list[str], threshold: int
) -> Iterable[dict]:
    """Rows with each group's small counts, and their complements, written as "<5"."""
    group: list[dict] = []
    key: tuple | None = None
    for row in rows:
        values = dict(row) if isinstance(row, Mapping) else dict(zip(columns, row, strict=True))
        this = tuple(values.get(k) for k in spec.keys)
        if group and this != key:
            yield from _suppressed_group(group, spec, threshold)
            group = []
        key = this
        group.append(values)
    if group:
        yield from _suppressed_group(group, spec, threshold)


def _suppressed_group(group: list[dict], spec: GroupedCounts, threshold: int) -> Iterable[dict]:
    counts = [[int(row.get(c) or 0) for c in spec.cells] for row in group]
    table = suppress_table(counts, threshold, public_col_totals=True)
    for r, row in enumerate(group):
        shown = {c: table.cell(r, i) for i, c in enumerate(spec.cells)}
        if table.row_total_hidden[r]:
            shown[spec.total] = SUPPRESSED
        yield {**row, **shown}


def _plain(value: object) -> object:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple | set | frozenset):
        return "; ".join(str(item) for item in value)
    return str(value)


def _write_table(
    archive: zipfile.ZipFile, *, name: str, shaper: _RowShaper, rows: Iterable[Row], progress: Progress | None
) -> int:
    header = shaper.output_columns
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=name[:31])
    sheet.append(header)
    count = 0
    with tempfile.TemporaryFile() as jsonl:
        with (
            archive.open(f"csv/{name}.csv", "w", force_zip64=True) as raw_csv,
            io.TextIOWrapper(raw_csv, encoding="utf-8-sig", newline="") as csv_text,
        ):
            writer = csv.writer(csv_text)
            writer.writerow(header)
            for row in rows:
                values = shaper(row)
                writer.writerow(["" if v is None else neutralise_formula(v) for v in values])
                record = json.dumps(dict(zip(header, values, strict=True)), ensure_ascii=False)
                jsonl.write(record.encode("utf-8") + b"\n")
                sheet.append([_xlsx_cell(v) for v in values])
                count += 1
                if progress and count % PROGRESS_EVERY == 0:
                    progress(name, count)
        jsonl.seek(0)
        _copy_into(archive, f"json/{name}.jsonl", jsonl)
    with tempfile.TemporaryFile() as xlsx:
        workbook.save(xlsx)
        xlsx.seek(0)
        _copy_into(archive, f"xlsx/{name}.xlsx", xlsx)
    if progress:
        progress(name, count)
    return count


def _xlsx_cell(value: object) -> object:
    if not isinstance(value, str):
        return value
    value = printable(value)[:XLSX_CELL_LIMIT]
    return neutralise_formula(value)


def _copy_into(archive: zipfile.ZipFile, name: str, source: IO[bytes]) -> None:
    with archive.open(name, "w", force_zip64=True) as target:
        shutil.copyfileobj(source, target, length=1 << 20)


def _readme(
    *,
    summary: DataExportSummary,
    descriptions: ColumnDescriptions,
    generated_at: str | None,
    threshold: int,
) -> str:
    stamp = generated_at or datetime.now(UTC).isoformat(timespec="seconds")
    lines = [
        "# Declaration data export",
        "",
        f"Generated {stamp}. "
        + ("Anonymised export." if summary.anonymised else "FULL export: contains personal data."),
        "",
        "Each table is here three times: `csv/` (UTF-8 with BOM, for spreadsheets), `json/` (JSON Lines: one "
        "object per line) and `xlsx/`. In CSV and XLSX, a text cell that starts with = + - @ or a tab "
        "gets a leading apostrophe so spreadsheets show it instead of running it; JSON keeps the text as "
        "it was.",
        "",
    ]
    if summary.anonymised:
        lines += [
            "## Anonymisation",
            "",
            "- Names, emails and phone numbers are left out.",
            "- Participant ids are pseudonyms (`P-` and 8 hex digits): the same person has the same "
            "pseudonym in every export made with the same key, and the key is not in this file.",
            "- Email addresses inside text are replaced by `[email removed]`.",
            f"- A cell that describes fewer than {threshold} people (a small borough or role group, or a "
            f"vote segment) is written as `{SUPPRESSED}`, and so are enough other cells of the same vote "
            "segments that none can be worked out by subtracting from an item's totals: a `"
            f"{SUPPRESSED}` cell is fewer than {threshold}, or hidden to protect one that is.",
            f"- Role, borough and organisation type together are shared by at least {threshold} people: "
            f"where a combination is rarer, its borough (then organisation type, then role) is written as "
            f"`{SUPPRESSED}`.",
            "",
        ]
    lines += ["## Tables", ""]
    for table, count in summary.rows.items():
        noun = "row" if count == 1 else "rows"
        lines += [f"### {table} ({count:,} {noun})", "", "| column | description |", "|---|---|"]
        described = descriptions.get(table, {})
        for column in summary.columns[table]:
            text = " ".join(str(described.get(column, "")).split()).replace("|", "\\|")
            lines.append(f"| `{column}` | {text} |")
        lines.append("")
    return "\n".join(lines)


def write_data_zip_bytes(**kwargs: Any) -> tuple[bytes, DataExportSummary]:
    """Convenience for small exports and tests: the zip as bytes."""
    buffer = io.BytesIO()
    summary = write_data_zip(out=buffer, **kwargs)
    return buffer.getvalue(), summary
