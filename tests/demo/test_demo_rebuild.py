"""Running `crowd demo`: the same seed gives the same demo, a second run refuses, the pages show it."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from crowd import cli
from crowd.db import Database, create_all
from crowd.demo import build_demo
from crowd.models import Contribution, Participant, Vote, Workshop
from crowd.services.workshop import contributions


def _snapshot(db: Database) -> tuple[list, int]:
    with db.read() as session:
        posts = session.exec(
            select(Contribution.text, Participant.email, Contribution.agree_count)
            .join(Participant, Participant.id == Contribution.author_id)
            .order_by(Contribution.id)
        ).all()
        votes = session.exec(select(func.count()).select_from(Vote)).one()
    return [tuple(p) for p in posts], votes


def _build_on_sqlite(path, *, seed: int) -> tuple[list, int]:
    database = Database(f"sqlite:///{path}")
    create_all(database.engine)
    build_demo(database, participants=20, seed=seed)
    snapshot = _snapshot(database)
    database.dispose()
    return snapshot


def test_the_same_seed_builds_the_same_demo_and_another_seed_a_different_one(tmp_path):
    first = _build_on_sqlite(tmp_path / "first.db", seed=2016)
    assert first == _build_on_sqlite(tmp_path / "again.db", seed=2016)
    texts = {text for text, _, _ in first[0]}
    other = {text for text, _, _ in _build_on_sqlite(tmp_path / "other.db", seed=7)[0]}
    assert len(texts & other) < 0.3 * len(other)


def test_running_the_demo_again_says_it_is_there_and_adds_nothing(demo):
    before = _snapshot(demo.db)
    summary = build_demo(demo.db, participants=40, seed=99)
    assert not summary.created
    assert "already" in str(summary)
    assert _snapshot(demo.db) == before
    with demo.db.read() as session:
        assert session.exec(select(func.count()).select_from(Workshop)).one() == 2


def test_the_summary_tells_what_was_built_and_how_to_sign_in(demo):
    text = str(demo.summary)
    assert "40 participants" in text
    assert f"{demo.summary.ideas:,} ideas and {demo.summary.comments:,} comments" in text
    assert "lead@example.org" in text and "/admin/outbox" in text


def test_the_earlier_workshop_refuses_new_ideas(demo):
    with demo.db.write() as session:
        earlier = session.exec(select(Workshop).where(Workshop.slug == "what-matters-to-you")).one()
        author = session.exec(select(Participant)).first()
        try:
            contributions.post_idea(
                session, workshop=earlier, section_id=None, author=author, text="Late idea"
            )
        except Exception as error:  # noqa: BLE001 - the service's DomainError
            assert "closed" in str(error)
        else:
            raise AssertionError("a closed workshop took an idea")


def test_crowd_demo_command_builds_a_migrated_database(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    # The schema comes from the models here; the single Alembic migration is regenerated at release.
    monkeypatch.setattr(Database, "migrate", lambda self: create_all(self.write_engine))
    assert cli.main(["demo", "--participants", "12", "--seed", "3"]) == 0
    assert "12 participants" in capsys.readouterr().out
    assert cli.main(["demo", "--participants", "12"]) == 0
    assert "already in this database" in capsys.readouterr().out


def test_visitors_see_the_demo_workshop_with_its_most_supported_ideas(db, client):
    build_demo(db, participants=15, seed=5)
    page = client.get("/w/our-declaration")
    assert page.status_code == 200
    for title in (
        "Get Personal",
        "Make Boundaries Invisible",
        "Real Leaders, Happy Workers",
        "Focus on Outcomes",
    ):
        assert title.replace(",", "") in page.text.replace(",", "")
    with db.read() as session:
        best = session.exec(
            select(Contribution).where(Contribution.kind == "idea").order_by(Contribution.support.desc())
        ).first()
    supported = client.get("/w/our-declaration?sort=supported")
    assert supported.status_code == 200
    assert best.text.split(".")[0][:40].replace("'", "&#39;") in supported.text
