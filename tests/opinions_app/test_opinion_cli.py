"""`crowd opinions run` analyses a workshop's votes; `crowd opinions evaluate` reads a Pol.is export."""

from __future__ import annotations

import json

from sqlmodel import select

from crowd import cli
from crowd.db import Database
from crowd.models import OpinionRun, OpinionRunStatus


def use_test_database(monkeypatch, settings) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setattr(cli, "_database", lambda _settings: Database(settings.database_url))  # tables exist


def test_opinions_run_analyses_the_workshop_and_prints_the_groups(db, settings, camps, monkeypatch, capsys):
    use_test_database(monkeypatch, settings)

    code = cli.main(["opinions", "run", "--workshop", camps.workshop.slug])

    out = capsys.readouterr().out
    assert code == 0
    assert f"{camps.workshop.slug}: run 1: ok: 3 opinion groups among 24 of 24 participants" in out
    with db.read() as session:
        run = session.exec(select(OpinionRun)).one()
    assert run.status == OpinionRunStatus.OK and run.created_by is None


def test_opinions_run_without_a_slug_runs_every_workshop_and_reports_not_enough_votes(
    db, settings, camps, monkeypatch, capsys
):
    from tests.conftest import make_workshop

    empty, _ = make_workshop(db, title="A quiet workshop")
    use_test_database(monkeypatch, settings)

    code = cli.main(["opinions", "run"])

    out = capsys.readouterr().out
    assert code == 0
    assert f"{camps.workshop.slug}: run 1: ok" in out
    assert (
        f"{empty.slug}: run 2: not_enough_votes: not enough votes to form groups: there are no votes" in out
    )


def test_opinions_run_for_an_unknown_workshop_says_so(db, settings, monkeypatch, capsys):
    use_test_database(monkeypatch, settings)

    assert cli.main(["opinions", "run", "--workshop", "nope"]) == 2
    assert "No workshop with the slug 'nope'." in capsys.readouterr().err


def test_opinions_evaluate_reads_a_polis_votes_csv_and_ends_with_json(tmp_path, capsys):
    rows = ["timestamp,datetime,comment-id,voter-id,vote"]
    for voter in range(20):
        camp = voter % 2
        for comment in range(8):
            vote = 1 if (comment % 2 == camp or comment >= 6) else -1
            if voter >= 10 and comment == voter % 6:
                vote = 0
            rows.append(f"{1000 + voter * 10 + comment},x,{comment},{voter},{vote}")
    path = tmp_path / "votes.csv"
    path.write_text("\n".join(rows) + "\n")
    comments = tmp_path / "comments.csv"
    listed = "".join(f"{c},1,statement {c}\n" for c in range(7))
    comments.write_text("comment-id,moderated,comment-body\n" + listed + "7,-1,moderated out\n")

    code = cli.main(["opinions", "evaluate", str(path), "--comments", str(comments)])

    lines = capsys.readouterr().out.strip().splitlines()
    assert code == 0
    assert lines[0] == "votes: 20 participants, 160 votes"  # a moderated-out column is zeroed, not dropped
    report = json.loads(lines[-1])
    assert report["participants"] == 20 and report["groups"] == 2 and report["ari"] is None
    assert report["statements"] == 7


def test_opinions_evaluate_refuses_a_file_that_is_not_a_polis_export(tmp_path, capsys):
    path = tmp_path / "other.csv"
    path.write_text("name,score\nann,3\n")

    assert cli.main(["opinions", "evaluate", str(path)]) == 2
    assert "error:" in capsys.readouterr().err
