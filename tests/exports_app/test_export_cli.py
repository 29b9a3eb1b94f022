"""`crowd export poster|document|data|report --out FILE` on a database built in the test."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from sqlmodel import select

from crowd import cli
from crowd.models import AuditEntry
from tests.exports_app.conftest import every_text_in_zip, pdf_page_size, pdf_text


@pytest.fixture
def run(db, settings, monkeypatch):
    """The CLI on the test database (its tables made by create_all, so no migration)."""
    monkeypatch.setattr(cli.Settings, "from_env", classmethod(lambda cls, *a, **k: settings))
    monkeypatch.setattr(
        cli, "_database", lambda _settings: __import__("crowd.db").db.Database(settings.database_url)
    )
    return lambda *argv: cli.main(list(argv))


def test_cli_writes_the_poster_pdf_and_png(populated, run, tmp_path, db):
    assert run("export", "poster", "--out", str(tmp_path / "poster.pdf")) == 0
    pdf = (tmp_path / "poster.pdf").read_bytes()
    assert "841.89 x 1190.55 pts" in pdf_page_size(pdf, tmp_path)
    assert "Get Personal" in pdf_text(pdf, tmp_path)
    assert run("export", "poster", "--out", str(tmp_path / "p.png"), "--paper", "a4", "--theme", "warm") == 0
    assert (tmp_path / "p.png").read_bytes().startswith(b"\x89PNG")
    with db.read() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "export_poster")).first()
    assert entry.actor_id is None and entry.after["via"] == "cli"


def test_cli_writes_the_document_and_report(populated, run, tmp_path):
    assert run("export", "document", "--out", str(tmp_path / "d.docx"), "--version", "1") == 0
    text = "\n".join(p.text for p in Document(str(tmp_path / "d.docx")).paragraphs)
    assert "Make Boundaries Invisible" in text
    assert run("export", "report", "--out", str(tmp_path / "r.html")) == 0
    assert "Participants by role" in (tmp_path / "r.html").read_text()


def test_cli_data_export_is_anonymised_unless_full_is_asked(populated, run, tmp_path, capsys):
    assert run("export", "data", "--out", str(tmp_path / "data.zip")) == 0
    assert f"{len(populated.shown_ids)} contributions" in capsys.readouterr().out
    everything = every_text_in_zip((tmp_path / "data.zip").read_bytes())
    assert "zofia.kowalska@example.org" not in everything
    assert run("export", "data", "--out", str(tmp_path / "full.zip"), "--full") == 0
    with zipfile.ZipFile(tmp_path / "full.zip") as archive:
        assert "zofia.kowalska@example.org" in archive.read("csv/contributions.csv").decode("utf-8-sig")


def test_cli_refuses_a_wrong_suffix_an_unpublished_version_and_an_unknown_workshop(
    populated, run, tmp_path, capsys
):
    assert run("export", "poster", "--out", str(tmp_path / "poster.docx")) == 2
    assert run("export", "poster", "--out", str(tmp_path / "poster.pdf"), "--version", "7") == 1
    assert "Version 7 has not been published" in capsys.readouterr().err
    assert run("export", "data", "--out", str(tmp_path / "d.zip"), "--workshop", "nope") == 1
    assert not (tmp_path / "poster.pdf").exists()


def test_cli_poster_on_an_empty_database_says_nothing_is_published(db, run, tmp_path, capsys):
    assert run("export", "poster", "--out", str(tmp_path / "poster.pdf")) == 1
    assert "No declaration has been published yet" in capsys.readouterr().err
    assert io.BytesIO  # the module is used above
