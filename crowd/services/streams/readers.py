"""Read an uploaded file (CSV, XLSX, plain text or Markdown) into raw rows with their line numbers.

Readers know nothing of workshops or validation: they decode and split. `read_upload` picks the reader
from the file name (and the XLSX zip signature), and reports which text encoding it used.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from zipfile import BadZipFile, ZipFile

from crowd.services.errors import DomainError

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 10_000
# An XLSX is a zip: checked from its directory (cheap, nothing inflated) before openpyxl opens it. The
# declared sizes bind: Python's zipfile stops at an entry's declared size (and its CRC check fails).
XLSX_MAX_ENTRIES = 500
XLSX_MAX_INFLATED = 200 * 1024 * 1024  # all entries together
XLSX_MAX_RATIO = 100  # inflated / compressed, per entry (of entries over 1 MB inflated)
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
UTF8_BOM = b"\xef\xbb\xbf"
ZIP_MAGIC = b"PK\x03\x04"
MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
META_LINE = re.compile(
    r"^\s*(stream|date|group|source|reference|role|borough)\s*:\s*(.*?)\s*$", re.IGNORECASE
)

Cell = str | datetime | None


@dataclass
class RawRow:
    line: int
    values: dict[str, Cell]


@dataclass
class RawTable:
    file_format: str  # csv | xlsx | text
    encoding: str  # what decoded the bytes; "" for XLSX
    headers: list[str]
    rows: list[RawRow] = field(default_factory=list)


def too_large_message(size: int) -> str:
    return (
        f"That file is {size / 1024 / 1024:.1f} MB: the limit is {MAX_BYTES // 1024 // 1024} MB. "
        "Split it into smaller files and import each."
    )


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise DomainError(too_large_message(size), field="file")


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding used: UTF-8 (with or without a BOM), else Windows-1252, else Latin-1."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        return text, "UTF-8 with BOM" if data.startswith(UTF8_BOM) else "UTF-8"
    try:
        return data.decode("cp1252"), "Windows-1252 (Latin-1)"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1 (ISO-8859-1)"


def _too_many_rows() -> DomainError:
    return DomainError(
        f"That file has more than {MAX_ROWS:,} rows. Split it into smaller files.", field="file"
    )


def read_csv(text: str, *, encoding: str) -> RawTable:
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count) if first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader, [])
        table = RawTable("csv", encoding, [h.strip() for h in headers])
        line = reader.line_num + 1
        for cells in reader:
            if len(table.rows) >= MAX_ROWS:
                raise _too_many_rows()
            values = {h: (cells[i] if i < len(cells) else None) for i, h in enumerate(table.headers)}
            table.rows.append(RawRow(line, values))
            line = reader.line_num + 1
    except csv.Error as error:
        raise DomainError(f"The CSV file could not be read near line {reader.line_num}: {error}.") from error
    return table


UNREADABLE_XLSX = "That XLSX file could not be opened. Save it again from Excel and retry."


def check_xlsx_archive(data: bytes) -> None:
    """Refuse a zip that would inflate too far (a zip bomb) from its directory alone, before any parsing."""
    try:
        with ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (BadZipFile, OSError, ValueError, EOFError) as error:
        raise DomainError(UNREADABLE_XLSX, field="file") from error
    if len(entries) > XLSX_MAX_ENTRIES:
        raise DomainError(
            f"That XLSX file has {len(entries):,} parts: too many to be a spreadsheet.", field="file"
        )
    inflated = sum(entry.file_size for entry in entries)
    bomb = inflated > XLSX_MAX_INFLATED or any(
        entry.file_size > 1024 * 1024 and entry.file_size > XLSX_MAX_RATIO * max(entry.compress_size, 1)
        for entry in entries
    )
    if bomb:
        raise DomainError(
            f"That XLSX file would unpack to {inflated / 1024 / 1024:,.0f} MB, far more than its size: it is "
            "refused. Save the sheet again from Excel (or as CSV) and retry.",
            field="file",
        )


def read_xlsx(data: bytes) -> RawTable:
    """The first worksheet; formula cells come back as their formula text (stored as plain text).

    Parsed with limits: the archive is checked first (check_xlsx_archive), the XML goes through defusedxml
    (openpyxl uses it when installed: no external entities, no entity expansion), and any file openpyxl
    cannot read is refused with a message rather than an error page."""
    from openpyxl import load_workbook

    check_xlsx_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # noqa: BLE001 - any parser failure is the file's, and is explained
        raise DomainError(UNREADABLE_XLSX, field="file") from error
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        headers = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        table = RawTable("xlsx", "", headers)
        for number, cells in enumerate(rows, start=2):
            if len(table.rows) >= MAX_ROWS:
                raise _too_many_rows()
            values = {h: _cell(cells[i] if i < len(cells) else None) for i, h in enumerate(headers)}
            table.rows.append(RawRow(number, values))
    except DomainError:
        raise
    except Exception as error:  # noqa: BLE001 - malformed XML inside the sheet, forbidden entities, ...
        raise DomainError(UNREADABLE_XLSX, field="file") from error
    finally:
        workbook.close()
    return table


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_text(text: str, *, encoding: str) -> RawTable:
    """One note per paragraph. Markdown headings set the source reference of the paragraphs below them;
    a paragraph of `key: value` lines (date, group/source, role, borough, stream) sets them likewise."""
    table = RawTable("text", encoding, ["stream", "date", "source", "role", "borough", "text"])
    context: dict[str, Cell] = {}
    for line, paragraph in _paragraphs(text):
        lines = paragraph.split("\n")
        heading = MARKDOWN_HEADING.match(lines[0])
        if heading:
            context["source"] = heading.group(1)
            lines = lines[1:]
            line += 1
            if not any(part.strip() for part in lines):
                continue
        metas = [META_LINE.match(part) for part in lines]
        if all(metas):
            for meta in metas:
                key = meta.group(1).lower()
                context["source" if key in {"group", "reference"} else key] = meta.group(2)
            continue
        if len(table.rows) >= MAX_ROWS:
            raise _too_many_rows()
        table.rows.append(RawRow(line, {**context, "text": " ".join(part.strip() for part in lines)}))
    return table


def _paragraphs(text: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    current: list[str] = []
    start = 1
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if raw.strip():
            if not current:
                start = number
            current.append(raw.rstrip())
        elif current:
            found.append((start, "\n".join(current)))
            current = []
    if current:
        found.append((start, "\n".join(current)))
    return found


def read_upload(*, filename: str, data: bytes) -> RawTable:
    """Pick the reader for this file; refuse what is too large or of an unknown kind."""
    check_size(len(data))
    name = filename.lower()
    if name.endswith(".xlsx") or data.startswith(ZIP_MAGIC):
        return read_xlsx(data)
    if name.endswith(".xls"):
        raise DomainError("Old .xls files cannot be read: save it as .xlsx or CSV.", field="file")
    if not data.strip():
        raise DomainError("That file is empty.", field="file")
    if b"\x00" in data[:4096]:
        raise DomainError(
            "That file is not text. Upload a CSV, an XLSX workbook, or a plain text or Markdown file.",
            field="file",
        )
    text, encoding = decode(data)
    if name.endswith(".csv"):
        return read_csv(text, encoding=encoding)
    if name.endswith(TEXT_SUFFIXES):
        return read_text(text, encoding=encoding)
    raise DomainError(
        "Upload a .csv, .xlsx, .txt or .md file (the file name tells us how to read it).", field="file"
    )
