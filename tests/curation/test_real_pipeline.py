"""The same promise with the real embedding model: curation survives a re-run of the real pipeline."""

from __future__ import annotations

from sqlmodel import select

from crowd.models import MemberRank, Theme, ThemeMember
from crowd.services.curation import labels, moving
from crowd.services.themes import runs as theme_runs
from tests.conftest import make_workshop
from tests.curation.conftest import make_people, post
from tests.themes.conftest import model  # noqa: F401 - the session's real model, loaded once
from tests.themes.corpus import MORE, TOPICS


def run_real(db, workshop_id: int, embedder):
    from clustering.reduce import PcaReducer

    with db.write() as session:
        run = theme_runs.start_run(session, workshop_id=workshop_id, actor_id=None)
    assert theme_runs.claim(db, run_id=run.id)
    return theme_runs.execute_run(db, run_id=run.id, model=embedder, reducer=PcaReducer(n_components=5))


def primary_theme_of(db, contribution_id: int) -> int:
    with db.read() as session:
        return session.exec(
            select(ThemeMember.theme_id).where(
                ThemeMember.contribution_id == contribution_id, ThemeMember.rank == MemberRank.PRIMARY
            )
        ).one()


def test_a_renamed_theme_and_a_moved_idea_survive_a_real_rerun(db, model):  # noqa: F811
    workshop, sections = make_workshop(db)
    author = make_people(db)["service_user"][0]
    ids = {
        name: [post(db, workshop, sections[0], author, text) for text in texts]
        for name, texts in TOPICS.items()
    }
    first = run_real(db, workshop.id, model)
    assert first.status.value == "succeeded", first.message
    gp, carers = primary_theme_of(db, ids["gp"][0]), primary_theme_of(db, ids["carers"][0])
    with db.read() as session:  # named in the contributors' words, described from their sentences
        assert "gp" in session.get(Theme, gp).label.lower()
        assert "carer" in session.get(Theme, carers).label.lower()
        assert session.get(Theme, carers).description_ids
    moved = ids["gp"][1]
    with db.write() as session:
        labels.rename(session, actor_id=None, theme_id=gp, version=None, label="Getting to see a GP")
        moving.move(
            session, actor_id=None, theme_id=gp, version=None, contribution_ids=[moved], to_theme_id=carers
        )
    late = [post(db, workshop, sections[1], author, text) for text in MORE["gp"]]

    second = run_real(db, workshop.id, model)

    assert second.status.value == "succeeded", second.message
    with db.read() as session:
        assert session.get(Theme, gp).label == "Getting to see a GP"
    assert primary_theme_of(db, moved) == carers
    assert all(primary_theme_of(db, cid) == gp for cid in late)
