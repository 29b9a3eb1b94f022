"""Helpers for the streams tests: a lead, files written to disk, uploads and live answers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select
from starlette.testclient import TestClient

from crowd.models import Access, Contribution, ImportBatch, LiveAnswer, Stream
from tests.conftest import Person, csrf_of

HEADER = ["Stream", "Date", "Group", "Role", "Borough", "Text"]
GOOD_ROWS = [
    ["focus group", "03/05/2024", "Hackney carers group", "carer", "Hackney", "I had to tell my story five times."],
    ["focus group", "2024-05-03", "Hackney carers group", "service user", "Hackney", "Nobody joined up my care."],
    ["literature", "12 March 2019", "King's Fund 2019, p.4", "", "", "Integrated care improves outcomes."],
]  # fmt: skip


def write_csv(path: Path, rows: list[list[str]], *, header=HEADER, encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]], *, header=HEADER) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


@pytest.fixture
def lead(person) -> Person:
    return person("lead@example.org", access=Access.LEAD)


def upload(who: Person, workshop, path: Path, *, stream: str = "", **kwargs):
    """Upload a file for preview; returns the response after following the redirect."""
    token = who.csrf("/manage/imports")
    with path.open("rb") as handle:
        return who.client.post(
            "/manage/imports",
            data={"csrf_token": token, "workshop_id": str(workshop.id), "stream": stream},
            files={"file": (path.name, handle, "application/octet-stream")},
            **kwargs,
        )


def batch_id_of(response) -> int:
    assert "/manage/imports/" in str(response.url.path), response.text[:2000]
    return int(str(response.url.path).rsplit("/", 1)[1])


def notes(db, *, stream: Stream | None = None, shown_only: bool = False) -> list[Contribution]:
    query = select(Contribution)
    if stream is not None:
        query = query.where(Contribution.stream == stream)
    with db.read() as session:
        found = list(session.exec(query.order_by(Contribution.id)))
    if shown_only:
        found = [c for c in found if c.withdrawn_at is None and c.status.value != "hidden"]
    return found


def count(db, table) -> int:
    with db.read() as session:
        return session.exec(select(func.count()).select_from(table)).one()


def batches(db) -> list[ImportBatch]:
    with db.read() as session:
        return list(session.exec(select(ImportBatch).order_by(ImportBatch.id)))


class Attendee:
    """A phone without an account: its own cookie jar, the CSRF token from the page it loaded."""

    def __init__(self, app, code: str) -> None:
        self.client = TestClient(app)
        self.code = code
        self.token = ""

    def join(self):
        page = self.client.get(f"/live/{self.code}")
        self.token = csrf_of(page.text)
        return page

    def answer(self, question_id: int, value: str, *, htmx: bool = False):
        headers = {"HX-Request": "true"} if htmx else {}
        return self.client.post(
            f"/live/{self.code}/answer",
            data={"csrf_token": self.token, "question_id": str(question_id), "answer": value},
            headers=headers,
            follow_redirects=False,
        )


def answers(db) -> list[LiveAnswer]:
    with db.read() as session:
        return list(session.exec(select(LiveAnswer).order_by(LiveAnswer.id)))
