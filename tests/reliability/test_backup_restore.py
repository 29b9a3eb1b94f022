"""`crowd backup` and `crowd restore`: a round trip keeps every row, on SQLite and PostgreSQL."""

from sqlalchemy import select
from sqlmodel import SQLModel

from crowd.cli import main
from crowd.db import Database
from crowd.services.backup import backup


def _all_rows(database: Database) -> dict[str, list[tuple]]:
    with database.engine.connect() as connection:
        return {
            table.name: sorted(tuple(row) for row in connection.execute(select(table)))
            for table in SQLModel.metadata.sorted_tables
        }


def test_backup_then_restore_into_a_new_database_keeps_every_row(
    person, open_workshop, db, tmp_path, monkeypatch
):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    ann.post(f"/w/{workshop.slug}/ideas", {"section_id": sections[0].id, "text": "Tell my story once."})
    bob = person("bob@example.org")
    bob.post(f"/w/{workshop.slug}/poll", {"choice": "mostly"})
    before = _all_rows(db)
    assert before["contribution"] and before["pollanswer"] and before["participant"]

    out = tmp_path / "backup.jsonl.gz"
    counts = backup(db.engine, out)  # the test database is built from the models, not migrated
    assert counts["contribution"] == len(before["contribution"])

    target = f"sqlite:///{tmp_path / 'restored.db'}"
    monkeypatch.setenv("DATABASE_URL", target)
    assert main(["restore", str(out)]) == 0
    restored = Database(target)
    assert _all_rows(restored) == before
    # restoring twice is refused: the database is no longer empty
    assert main(["restore", str(out)]) == 1
    restored.dispose()


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, monkeypatch, capsys):
    bogus = tmp_path / "bogus.jsonl.gz"
    import gzip

    with gzip.open(bogus, "wt") as handle:
        handle.write('{"hello": "world"}\n')
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    assert main(["restore", str(bogus)]) == 1
    assert "not a crowd backup" in capsys.readouterr().err
