"""`crowd themes evaluate` scores the pipeline on a labelled CSV; `crowd themes run` runs it on a database."""

import csv
import json

import pytest
from sqlmodel import select

from crowd import cli
from crowd.db import Database
from crowd.models import RunState, Theme, ThemeRun
from tests.themes.conftest import post_corpus
from tests.themes.corpus import TOPICS

pytestmark = pytest.mark.slow


def test_themes_evaluate_prints_json_with_the_scores(tmp_path, capsys, monkeypatch, model):
    import clustering.embed

    monkeypatch.setattr(
        clustering.embed, "OnnxEmbedder", lambda: model
    )  # the session's model, not a second one
    path = tmp_path / "labelled.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        for label, texts in TOPICS.items():
            writer.writerows([text, label] for text in texts)

    code = cli.main(["themes", "evaluate", str(path)])

    last = capsys.readouterr().out.strip().splitlines()[-1]
    figures = json.loads(last)
    assert code == 0
    assert {"nmi", "ari", "acc", "noise_share", "themes", "npmi", "diversity", "seconds"} <= set(figures)
    assert figures["nmi"] > 0.7
    assert len(figures["names"]) == figures["themes"]  # the theme table's names, and the labels are words:
    assert 0.0 <= figures["label_hit"] <= 1.0


def test_themes_evaluate_refuses_a_csv_without_a_label_column(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("text\nhello\n")

    code = cli.main(["themes", "evaluate", str(path)])

    assert code == 2
    assert "missing column(s) label" in capsys.readouterr().err


def test_themes_run_on_a_small_database_prints_the_run_and_stores_themes(
    db, settings, open_workshop, capsys, monkeypatch, model
):
    workshop, sections = open_workshop
    post_corpus(db, workshop, sections)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setattr(cli, "_database", lambda _settings: Database(settings.database_url))  # tables exist

    code = cli.main(["themes", "run", "--workshop", workshop.slug])

    out = capsys.readouterr().out
    assert code == 0
    assert f"{workshop.slug}: run 1 succeeded" in out and "counts: contributions 48" in out
    with db.read() as session:
        (run,) = session.exec(select(ThemeRun)).all()
        assert run.status == RunState.SUCCEEDED and run.worker
        assert len(session.exec(select(Theme)).all()) == run.counts["themes"] >= 3


def test_themes_run_names_a_missing_workshop(db, settings, capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setattr(cli, "_database", lambda _settings: Database(settings.database_url))

    code = cli.main(["themes", "run", "--workshop", "nope"])

    assert code == 2
    assert "No workshop with the slug 'nope'" in capsys.readouterr().err


def test_themes_run_refuses_a_workshop_whose_run_is_already_queued(
    db, settings, open_workshop, capsys, monkeypatch
):
    from crowd.services.themes import runs as theme_runs

    workshop, _ = open_workshop
    with db.write() as session:
        theme_runs.start_run(session, workshop_id=workshop.id, actor_id=None)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setattr(cli, "_database", lambda _settings: Database(settings.database_url))

    code = cli.main(["themes", "run", "--workshop", workshop.slug])

    assert code == 1
    assert "already queued" in capsys.readouterr().err
    with db.read() as session:
        assert len(session.exec(select(ThemeRun)).all()) == 1
