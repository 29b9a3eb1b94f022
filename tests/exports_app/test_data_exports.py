"""Analysts get the data behind the declaration: anonymised by default, full (audited) for admins only."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from openpyxl import load_workbook
from sqlmodel import select

from crowd.models import Access, AuditEntry
from crowd.services.exports import data as export_data
from exports.anonymise import pseudonym
from tests.exports_app.conftest import HIDDEN_TEXT, WITHDRAWN_TEXT, every_text_in_zip

TABLES = (
    "contributions",
    "votes_by_item_segment",
    "themes",
    "theme_members",
    "poll_results",
    "outcomes",
    "assessments",
)


def _csv(data: bytes, table: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return list(csv.DictReader(io.StringIO(archive.read(f"csv/{table}.csv").decode("utf-8-sig"))))


def _download(person, **form):
    return person.post("/exports/data", {"workshop": "", "mode": "anonymised", **form})


def test_lead_downloads_an_anonymised_zip_with_every_table_in_three_formats(populated, person):
    lead = person("lead@example.org", access=Access.LEAD)

    response = _download(lead)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="declaration-data-all-workshops-anonymised-'
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = set(archive.namelist())
        for table in TABLES:
            assert {f"csv/{table}.csv", f"json/{table}.jsonl", f"xlsx/{table}.xlsx"} <= names
        readme = archive.read("README.md").decode()
        contributions_xlsx = load_workbook(
            io.BytesIO(archive.read("xlsx/contributions.xlsx")), read_only=True
        )
        xlsx_rows = list(contributions_xlsx.active.iter_rows(values_only=True))
        jsonl = [json.loads(line) for line in archive.read("json/contributions.jsonl").decode().splitlines()]
    assert "Anonymised export" in readme and "author_role" in readme

    rows = _csv(response.content, "contributions")
    assert list(rows[0]) == export_data.contribution_columns(full=False)
    assert len(rows) == len(populated.shown_ids) == len(jsonl) == len(xlsx_rows) - 1
    assert list(xlsx_rows[0]) == export_data.contribution_columns(full=False)
    assert {int(r["id"]) for r in rows} == set(populated.shown_ids)
    assert {r["stream"] for r in rows} == {"online"}
    comment = next(r for r in rows if r["kind"] == "comment")
    assert comment["parent_id"] == str(populated.shown_ids[0])
    assert comment["text"] == "'Yes: =SUM(A1:A9)" or comment["text"] == "Yes: =SUM(A1:A9)"

    votes = _csv(response.content, "votes_by_item_segment")
    assert list(votes[0]) == export_data.VOTE_COLUMNS
    staff_on_first = next(
        v for v in votes if v["contribution_id"] == str(populated.shown_ids[0]) and v["segment"] == "staff"
    )
    assert staff_on_first["participants"] == "7" and staff_on_first["agree"] == "7"
    (theme,) = _csv(response.content, "themes")
    first, second, third = populated.shown_ids[:3]
    # each drafted sentence names the contributions it came from; a hidden one is never named
    assert theme["description_sources"] == f"1: {first} {second} | 2: {third}"
    assert len(_csv(response.content, "poll_results")) == 4
    assert len(_csv(response.content, "outcomes")) == 1
    assert len(_csv(response.content, "assessments")) == 1


def test_anonymised_export_holds_no_name_or_email_and_suppresses_small_groups(populated, person, settings):
    lead = person("lead@example.org", access=Access.LEAD)

    response = _download(lead)

    everything = every_text_in_zip(response.content)
    for secret in populated.names_and_emails + ["lead@example.org", "@example.org"]:
        assert secret not in everything, secret
    assert HIDDEN_TEXT not in everything and WITHDRAWN_TEXT not in everything
    rows = _csv(response.content, "contributions")
    first_author = populated.people[0]
    expected = pseudonym(first_author.id, export_data.pseudonym_secret(settings))
    assert rows[0]["author_id"] == expected != str(first_author.id)
    # twelve people in three boroughs, four roles and two organisation types: every combination of the
    # three that is shown is shared by five or more people (k-anonymity); the rest is written as <5
    people_per_combination: dict[tuple, set] = {}
    for r in rows:
        combination = (r["author_role"], r["borough"], r["organisation_type"])
        people_per_combination.setdefault(combination, set()).add(r["author_id"])
    shown = {c: len(p) for c, p in people_per_combination.items() if c != ("<5", "<5", "<5")}
    assert shown and all(n >= 5 for n in shown.values()), people_per_combination
    assert "Bexley" not in {r["borough"] for r in rows}  # two people live there
    assert "other" not in {r["author_role"] for r in rows}
    bexley = [v for v in _csv(response.content, "votes_by_item_segment") if v["segment"] == "Bexley"]
    assert bexley and all(v["agree"] == "<5" and v["participants"] == "<5" for v in bexley)
    members = _csv(response.content, "theme_members")
    assert {int(m["contribution_id"]) for m in members}.isdisjoint(populated.hidden_ids)
    assert "[email removed]" in _csv(response.content, "assessments")[0]["evidence"]
    assert "signer_name" not in _csv(response.content, "assessments")[0]


def test_pseudonyms_are_the_same_in_two_exports(populated, person):
    lead = person("lead@example.org", access=Access.LEAD)
    first = [r["author_id"] for r in _csv(_download(lead).content, "contributions")]
    second = [r["author_id"] for r in _csv(_download(lead).content, "contributions")]
    assert first == second
    assert len(set(first)) == len(populated.people)


def test_one_workshop_can_be_exported_on_its_own(populated, person):
    lead = person("lead@example.org", access=Access.LEAD)
    response = _download(lead, workshop=str(populated.workshop.id))
    assert f"declaration-data-{populated.workshop.slug}-anonymised" in response.headers["content-disposition"]
    assert len(_csv(response.content, "contributions")) == len(populated.shown_ids)
    missing = _download(lead, workshop="999")
    assert missing.status_code == 400 and "There is no such workshop" in missing.text


def test_only_admins_get_names_and_emails_and_every_try_is_audited(populated, person, db):
    lead = person("lead@example.org", access=Access.LEAD)
    refused = _download(lead, mode="full")
    assert refused.status_code == 403
    assert "zofia.kowalska@example.org" not in refused.text

    admin = person("admin@example.org", access=Access.ADMIN)
    full = _download(admin, mode="full")
    assert full.status_code == 200
    assert "FULL" in full.headers["content-disposition"]
    rows = _csv(full.content, "contributions")
    assert "author_name" in rows[0] and "author_email" in rows[0]
    assert {r["author_email"] for r in rows} >= {"zofia.kowalska@example.org", "rahima.begum@example.org"}
    assert "Zofia Kowalska" in {r["author_name"] for r in rows}
    assert "Bexley" in {r["borough"] for r in rows}
    assert _csv(full.content, "assessments")[0]["signer_name"] == "Zofia Kowalska"

    with db.read() as session:
        entries = list(
            session.exec(select(AuditEntry).where(AuditEntry.action == "export_data").order_by(AuditEntry.id))
        )
    assert [(e.actor_id, e.after["full"]) for e in entries] == [(lead.id, True), (admin.id, True)]
    assert entries[0].after["refused"] == "admins only"
    assert entries[1].after["rows"]["contributions"] == len(populated.shown_ids)


def test_a_bad_mode_re_renders_the_form_and_exports_nothing(populated, person, db):
    lead = person("lead@example.org", access=Access.LEAD)
    response = _download(lead, mode="everything")
    assert response.status_code == 400 and "Choose anonymised or full" in response.text
    with db.read() as session:
        assert session.exec(select(AuditEntry).where(AuditEntry.action == "export_data")).first() is None


def test_the_temporary_zip_is_deleted_once_it_is_sent(populated, person, monkeypatch, tmp_path):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    lead = person("lead@example.org", access=Access.LEAD)
    response = _download(lead)
    assert response.status_code == 200
    assert int(response.headers["content-length"]) == len(response.content)
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert "README.md" in archive.namelist()
    assert list(tmp_path.glob("crowd-export-*")) == []
