"""A workshop with fewer contributions than a theme needs gets a clear answer, not a crash."""

import pytest
from sqlmodel import select

from crowd.models import ContributionStatus, RunState, Theme
from crowd.services.themes import curated as themes
from crowd.services.themes import runs as theme_runs
from tests.themes.conftest import post_ideas, run_themes
from tests.themes.corpus import TOPICS


@pytest.mark.parametrize("count", [0, 1, 10])
def test_run_on_too_few_contributions_finishes_as_not_enough_with_a_clear_message(db, open_workshop, count):
    workshop, sections = open_workshop
    post_ideas(db, workshop, sections[0], TOPICS["gp"][:count])

    run = run_themes(db, workshop.id)

    assert run.status == RunState.NOT_ENOUGH
    assert run.message.startswith("Not enough contributions to find themes")
    assert f"{count} usable" in run.message
    assert run.progress == 100 and run.finished_at is not None
    assert run.counts["contributions"] == count
    with db.read() as session:
        assert session.exec(select(Theme)).all() == []
        assert themes.latest_good_run(session, workshop_id=workshop.id) is None
        assert theme_runs.active_run(session, workshop_id=workshop.id) is None


def test_hidden_and_withdrawn_contributions_do_not_count_towards_a_run(db, open_workshop):
    workshop, sections = open_workshop
    ids = post_ideas(db, workshop, sections[0], TOPICS["gp"][:3])
    with db.write() as session:
        from crowd.models import Contribution
        from crowd.models._base import utcnow

        hidden, withdrawn = session.get(Contribution, ids[0]), session.get(Contribution, ids[1])
        hidden.status = ContributionStatus.HIDDEN
        withdrawn.withdrawn_at = utcnow()
        session.add_all([hidden, withdrawn])

    run = run_themes(db, workshop.id)

    assert run.counts["contributions"] == 1


def test_worker_picks_up_a_run_queued_from_the_web_and_finishes_it(db, open_workshop):
    from crowd.models import ThemeRun
    from crowd.worker import Worker

    workshop, sections = open_workshop
    post_ideas(db, workshop, sections[0], TOPICS["gp"][:3])
    with db.write() as session:
        queued = theme_runs.start_run(session, workshop_id=workshop.id, actor_id=None)

    assert Worker(db, name="test-host:1").run_once() is True

    with db.read() as session:
        run = session.get(ThemeRun, queued.id)
    assert run.status == RunState.NOT_ENOUGH and run.worker == "test-host:1"
    assert run.started_at is not None and run.finished_at >= run.started_at
