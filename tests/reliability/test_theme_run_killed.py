"""A theme run whose process is killed (SIGKILL) half-way leaves the previous snapshot as it was, and the
stale run is marked failed, so moderators see what happened and may start another."""

from __future__ import annotations

import subprocess
import sys
import time

from sqlmodel import select

from crowd.models import RunState, Theme, ThemeMember, ThemeRun
from crowd.services.themes import curated as themes
from crowd.services.themes import runs as theme_runs
from tests.reliability.conftest import ROOT
from tests.reliability.stand_ins import SlowReducer, WordEmbedder
from tests.themes.conftest import post_corpus, post_ideas, run_themes
from tests.themes.corpus import MORE

EXECUTE_SLOWLY = """
import sys
from crowd.db import Database
from crowd.services.themes import runs as theme_runs
from tests.reliability.stand_ins import SlowReducer, WordEmbedder
db = Database(sys.argv[1])
run_id = int(sys.argv[2])
assert theme_runs.claim(db, run_id=run_id)
theme_runs.execute_run(db, run_id=run_id, model=WordEmbedder(), reducer=SlowReducer(120))
"""


def snapshot(db, workshop_id: int) -> tuple[list, list]:
    with db.read() as session:
        themes = session.exec(select(Theme).where(Theme.workshop_id == workshop_id).order_by(Theme.id)).all()
        members = session.exec(select(ThemeMember).order_by(ThemeMember.id)).all()
        return [t.model_dump() for t in themes], [m.model_dump() for m in members]


def test_a_theme_run_killed_midway_leaves_the_previous_themes_and_is_marked_failed(
    db, database_url, open_workshop
):
    workshop, sections = open_workshop
    post_corpus(db, workshop, sections)
    good = run_themes(db, workshop.id, model=WordEmbedder(), reducer=SlowReducer(0))
    assert good.status == RunState.SUCCEEDED and good.counts["themes"] > 0
    post_ideas(db, workshop, sections[0], MORE["gp"])
    before = snapshot(db, workshop.id)
    with db.write() as session:
        run_id = theme_runs.start_run(session, workshop_id=workshop.id, actor_id=None).id

    worker = subprocess.Popen([sys.executable, "-c", EXECUTE_SLOWLY, database_url, str(run_id)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 120
        while True:  # wait until the run is in the reducer: embedded, running, not yet saved
            with db.read() as session:
                run = session.get(ThemeRun, run_id)
            if run.status == RunState.RUNNING and run.progress >= theme_runs.EMBED_SHARE:
                break
            assert worker.poll() is None, "the worker ended before it could be killed"
            assert time.monotonic() < deadline, f"the run never got going: {run.status} {run.step}"
            time.sleep(0.2)
    finally:
        worker.kill()
        worker.wait(timeout=10)

    with db.read() as session:
        assert session.get(ThemeRun, run_id).status == RunState.RUNNING  # nobody has noticed yet
    assert snapshot(db, workshop.id) == before

    assert theme_runs.fail_abandoned(db) == [run_id]  # what every worker does before it polls for work

    with db.read() as session:
        dead = session.get(ThemeRun, run_id)
        assert dead.status == RunState.FAILED
        assert "previous themes are unchanged" in dead.message
        assert themes.latest_good_run(session, workshop_id=workshop.id).id == good.id
        assert theme_runs.active_run(session, workshop_id=workshop.id) is None  # a new run may start
    assert snapshot(db, workshop.id) == before
