"""`crowd demo` shows the whole journey: a published declaration with signatories and assessments,
an opinion map, and a theme run waiting for the worker."""

from sqlmodel import select

from crowd.demo.journey import build_demo_journey
from crowd.models import OpinionRun, ThemeRun
from crowd.models.declaration import DeclarationVersion


def test_demo_journey_publishes_a_declaration_and_starts_the_analyses(db):
    from crowd.demo import build_demo

    build_demo(db, participants=40, seed=7)
    journey = build_demo_journey(db)
    assert journey.version == 1 and journey.signatories >= 4
    with db.read() as session:
        assert session.exec(select(DeclarationVersion)).first() is not None
        queued = session.exec(select(ThemeRun)).one()
        assert queued.id == journey.theme_run_id and queued.status.value == "queued"
        opinion = session.exec(select(OpinionRun)).one()
    assert opinion.status.value in {"ok", "not_enough_votes"}
    assert "Declaration version 1 published" in str(journey)
