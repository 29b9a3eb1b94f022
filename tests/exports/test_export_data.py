import csv
import io
import json
import zipfile

import pytest
from openpyxl import load_workbook

from exports.anonymise import pseudonym, suppress_small_cells
from exports.data import neutralise_formula, write_data_zip, write_data_zip_bytes
from exports.sample import COLUMN_DESCRIPTIONS, SNAPSHOT_COLUMNS, sample_snapshot

SECRET = "test-secret"
TABLES = list(SNAPSHOT_COLUMNS)


def export(**options):
    options.setdefault("snapshot", sample_snapshot(contributions=300))
    options.setdefault("secret", SECRET)
    data, summary = write_data_zip_bytes(column_descriptions=COLUMN_DESCRIPTIONS, **options)
    return zipfile.ZipFile(io.BytesIO(data)), summary


def read_csv(archive, table):
    return list(csv.reader(io.StringIO(archive.read(f"csv/{table}.csv").decode("utf-8-sig"))))


def read_xlsx(archive, table):
    workbook = load_workbook(io.BytesIO(archive.read(f"xlsx/{table}.xlsx")), read_only=True)
    rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    workbook.close()
    return rows


def read_jsonl(archive, table):
    return [json.loads(line) for line in archive.read(f"json/{table}.jsonl").decode().splitlines()]


def test_analyst_gets_every_table_as_csv_json_and_xlsx_with_a_readme():
    archive, summary = export()

    names = set(archive.namelist())
    assert "README.md" in names
    for table in TABLES:
        assert {f"csv/{table}.csv", f"json/{table}.jsonl", f"xlsx/{table}.xlsx"} <= names
    assert summary.rows["contributions"] == 300
    assert summary.rows["votes_by_item_segment"] == 200
    anonymised_columns = [
        c for c in SNAPSHOT_COLUMNS["contributions"] if c not in ("author_name", "author_email")
    ]
    for table in TABLES:
        expected_columns = anonymised_columns if table == "contributions" else SNAPSHOT_COLUMNS[table]
        csv_rows, xlsx_rows, json_rows = (
            read_csv(archive, table),
            read_xlsx(archive, table),
            read_jsonl(archive, table),
        )
        assert csv_rows[0] == expected_columns
        assert xlsx_rows[0] == expected_columns
        assert len(csv_rows) - 1 == len(xlsx_rows) - 1 == len(json_rows) == summary.rows[table]
        assert list(json_rows[0]) == expected_columns
    readme = archive.read("README.md").decode()
    assert "### contributions (300 rows)" in readme
    assert "| `author_id` | Who wrote it (a pseudonym P-xxxxxxxx in anonymised exports) |" in readme
    assert "author_email" not in readme


def test_anonymised_export_holds_no_name_or_email_anywhere():
    snapshot = sample_snapshot(contributions=300)
    columns, rows = snapshot["contributions"]
    rows = list(rows)
    rows[5] = (*rows[5][:7], "Ring me or write to jane.doe@nhs.net please", *rows[5][8:])
    snapshot = {**snapshot, "contributions": (columns, iter(rows))}

    archive, _ = export(snapshot=snapshot)

    for name in archive.namelist():
        payload = archive.read(name)
        if name.endswith(".xlsx"):  # a zip of XML: scan the cells' text
            with zipfile.ZipFile(io.BytesIO(payload)) as inner:
                payload = b"".join(inner.read(member) for member in inner.namelist())
        text = payload.decode("utf-8", errors="replace")
        assert "@example.org" not in text, name
        assert "jane.doe@nhs.net" not in text, name
        assert "Person Number" not in text, name
    assert "[email removed]" in archive.read("csv/contributions.csv").decode("utf-8-sig")


def test_pseudonyms_are_stable_across_exports_and_change_with_the_secret():
    first, _ = export()
    second, _ = export()
    other_key, _ = export(secret="another-secret")

    authors = [row[1] for row in read_csv(first, "contributions")[1:]]
    assert all(author.startswith("P-") and len(author) == 10 for author in authors)
    assert authors == [row[1] for row in read_csv(second, "contributions")[1:]]
    full, _ = export(anonymise=False)
    assert authors[0] == pseudonym(read_jsonl(full, "contributions")[0]["author_id"], SECRET)
    assert authors != [row[1] for row in read_csv(other_key, "contributions")[1:]]
    assert [r["author_id"] for r in read_jsonl(first, "contributions")] == authors  # same in every format


def test_small_groups_are_suppressed_in_anonymised_exports():
    archive, _ = export(group_sizes={"borough": {"City of London": 2, "Hackney": 80}})

    contributions = read_jsonl(archive, "contributions")
    boroughs = {row["borough"] for row in contributions}
    assert "City of London" not in boroughs and "<5" in boroughs and "Hackney" in boroughs
    for row in read_jsonl(archive, "votes_by_item_segment"):
        if row["participants"] == "<5":
            assert row["agree"] == "<5"
        else:
            assert row["participants"] == 0 or row["participants"] >= 5

    assert suppress_small_cells({"Hackney": 12, "City of London": 3, "Sutton": 0}) == {
        "Hackney": 12,
        "City of London": None,
        "Sutton": 0,
    }
    assert suppress_small_cells({"Staff": 4}, marker="<5") == {"Staff": "<5"}


def test_cells_that_look_like_formulas_are_neutralised_in_csv_and_xlsx():
    archive, _ = export()

    texts_csv = [row[5] for row in read_csv(archive, "contributions")[1:]]
    texts_xlsx = [row[5] for row in read_xlsx(archive, "contributions")[1:]]
    texts_json = [row["text"] for row in read_jsonl(archive, "contributions")]
    for texts in (texts_csv, texts_xlsx):
        assert any(t.startswith("'=HYPERLINK(") for t in texts)
        assert any(t.startswith("'@SUM(") for t in texts)
        assert any(t.startswith("'-2 beds") for t in texts)
        assert not any(t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in texts)
    assert any(t.startswith("=HYPERLINK(") for t in texts_json)  # JSON keeps the text as written
    assert [neutralise_formula(v) for v in ("=1+1", "+4", "\tx", "\rx", "ok", -3)] == [
        "'=1+1", "'+4", "'\tx", "'\rx", "ok", -3,
    ]  # fmt: skip


def test_admin_full_export_keeps_names_and_emails():
    archive, summary = export(anonymise=False, secret=None)
    assert summary.anonymised is False
    header, first = read_csv(archive, "contributions")[:2]
    assert "author_email" in header and first[header.index("author_email")].endswith("@example.org")
    assert "FULL export" in archive.read("README.md").decode()


def test_anonymised_export_refuses_to_run_without_a_secret():
    with pytest.raises(ValueError, match="secret"):
        export(secret=None)


def test_ten_thousand_rows_stream_from_a_generator_with_progress(tmp_path):
    seen = []
    summary = write_data_zip(
        snapshot=sample_snapshot(contributions=10_000),
        out=tmp_path / "data.zip",
        secret=SECRET,
        progress=lambda table, rows: seen.append((table, rows)),
    )
    assert summary.rows["contributions"] == 10_000
    assert [rows for table, rows in seen if table == "contributions"] == [*range(1000, 10_001, 1000), 10_000]
    with zipfile.ZipFile(tmp_path / "data.zip") as archive:
        assert len(read_csv(archive, "contributions")) == 10_001
