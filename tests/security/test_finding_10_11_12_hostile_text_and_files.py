"""Findings 10-12: one character (U+FFFF) made the data export answer 500; malformed, XXE and billion-laughs
XLSX uploads gave 500s; a theme named "$\\notacommand{x}$" or text with control characters broke the report
page and PDF; a 200 KB XLSX inflating to 200 MB took seconds and hundreds of MB before it was refused."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from sqlmodel import select

from crowd.models import Access, Contribution, ImportBatch, Theme
from exports import charts
from exports.data import write_data_zip_bytes
from exports.text import printable
from tests.conftest import csrf_of

HOSTILE = "Tea\uffff and\x00 biscuits\x07 \ufdd0 $\\notacommand{x}$ \U0010ffff"
# what can be in a database row: PostgreSQL stores no NUL, and the app strips it from what people type
# (tests/hostile/test_nul_bytes.py); the rest of the hostile text is stored as typed
STORED = HOSTILE.replace("\x00", "")


def _xlsx(sheet_xml: bytes, *, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal workbook whose first sheet is ``sheet_xml``."""
    files = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
        b'+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
        b'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
        b'name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org'
        b'/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet_xml,
        **(extra or {}),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in files.items():
            archive.writestr(name, body)
    return buffer.getvalue()


SHEET = b'<?xml version="1.0"?>{doctype}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
SHEET += b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Text</t></is></c></row><row r="2"><c r="A2" '
SHEET += b't="inlineStr"><is><t>{body}</t></is></c></row></sheetData></worksheet>'
XXE = SHEET.replace(b"{doctype}", b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>').replace(
    b"{body}", b"&e;"
)
LAUGHS = SHEET.replace(
    b"{doctype}",
    b'<!DOCTYPE x [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;'
    b'&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]>',
).replace(b"{body}", b"&e;")


def _bomb() -> bytes:
    # a real workbook plus a 150 MB part of zeros: a few hundred KB on disk
    return _xlsx(
        SHEET.replace(b"{doctype}", b"").replace(b"{body}", b"ok"),
        extra={"xl/media/padding.bin": bytes(150 << 20)},
    )


def _upload(lead, workshop, name: str, body: bytes):
    token = lead.csrf("/manage/imports")
    return lead.client.post(
        "/manage/imports",
        data={"csrf_token": token, "workshop_id": str(workshop.id), "stream": "focus_group"},
        files={"file": (name, body, "application/octet-stream")},
    )


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("malformed.xlsx", b"PK\x03\x04 this is not really a zip"),
        ("broken-xml.xlsx", _xlsx(b"<worksheet><sheetData><row>")),
        ("xxe.xlsx", _xlsx(XXE)),
        ("laughs.xlsx", _xlsx(LAUGHS)),
    ],
)
def test_finding_11_hostile_xlsx_uploads_are_refused_with_a_message(person, db, open_workshop, name, body):
    workshop, _ = open_workshop
    lead = person("lead@example.org", access=Access.LEAD)
    response = _upload(lead, workshop, name, body)
    assert response.status_code == 400, response.text[:500]
    assert "could not be opened" in response.text
    assert "root:" not in response.text
    with db.read() as session:
        assert session.exec(select(ImportBatch)).all() == []


def test_finding_12_a_zip_bomb_is_refused_early_and_cheaply(person, db, open_workshop):
    workshop, _ = open_workshop
    lead = person("lead@example.org", access=Access.LEAD)
    bomb = _bomb()
    assert len(bomb) < 1_000_000
    start = time.process_time()
    response = _upload(lead, workshop, "bomb.xlsx", bomb)
    spent = time.process_time() - start
    assert response.status_code == 400 and "would unpack to" in response.text
    assert spent < 1.0  # nothing was inflated (3.4 s before)


def test_finding_10_one_character_does_not_break_the_data_export():
    archive, _ = write_data_zip_bytes(
        snapshot={"contributions": (["id", "text"], iter([(1, HOSTILE)]))}, secret="k" * 40, anonymise=True
    )
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        assert "xlsx/contributions.xlsx" in z.namelist()


def test_finding_10_the_data_export_route_answers_with_a_file(person, db, open_workshop):
    workshop, sections = open_workshop
    with db.write() as session:
        session.add(
            Contribution(workshop_id=workshop.id, section_id=sections[0].id, kind="idea", text=STORED)
        )
    lead = person("lead@example.org", access=Access.LEAD)
    token = csrf_of(lead.client.get("/exports").text)
    response = lead.client.post("/exports/data", data={"csrf_token": token, "workshop": ""})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/zip")


def test_finding_11_hostile_theme_names_reach_the_chart_the_report_and_the_pdf_as_text(
    person, db, open_workshop
):
    assert printable(HOSTILE) == "Tea and biscuits  $\\notacommand{x}$ "
    svg = charts.bar_chart({HOSTILE: 12}, title=HOSTILE, prefix="t", suppress=False)
    assert "notacommand" in svg
    workshop, _ = open_workshop
    with db.write() as session:
        session.add(Theme(workshop_id=workshop.id, label=STORED, size=7, run_id=None, centroid=b""))
    lead = person("lead@example.org", access=Access.LEAD)
    assert lead.client.get("/exports/report").status_code == 200
    token = csrf_of(lead.client.get("/exports/report").text)
    pdf = lead.client.post("/exports/report", data={"csrf_token": token, "format": "pdf", "workshop": ""})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
