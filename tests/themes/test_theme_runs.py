"""A moderator runs the theme pipeline on a workshop and gets themes that survive re-runs."""

from collections import Counter

import numpy as np
import pytest
from sqlmodel import select

from crowd.models import (
    CandidateFoundation,
    Contribution,
    ContributionStatus,
    MemberRank,
    MemberSource,
    RunState,
    RunTheme,
    Theme,
    ThemeMember,
    ThemeRun,
)
from crowd.models.themes import unpack_vector
from crowd.services.themes import curated as themes
from crowd.services.themes import runs as theme_runs
from crowd.worker import Worker
from tests.themes.conftest import post_corpus, post_ideas, run_themes
from tests.themes.corpus import MORE

pytestmark = pytest.mark.slow


def _theme_of_topic(db, topic_of: dict[int, str]) -> dict[str, int]:
    """For each topic, the theme holding most of its contributions (primary members)."""
    with db.read() as session:
        rows = session.exec(
            select(ThemeMember.contribution_id, ThemeMember.theme_id).where(
                ThemeMember.rank == MemberRank.PRIMARY
            )
        ).all()
    theme_of = dict(rows)
    best = {}
    for topic in set(topic_of.values()):
        placed = Counter(theme_of.get(cid) for cid, t in topic_of.items() if t == topic)
        best[topic], hits = placed.most_common(1)[0]
        assert best[topic] is not None, f"{topic} ended up unthemed"
        assert hits >= 9, f"{topic}: only {hits} of 12 in one theme"
    return best


def _snapshot(db, workshop_id: int) -> tuple:
    with db.read() as session:
        curated = [
            (t.id, t.label, t.curated, t.status, t.size, tuple(t.keywords))
            for t in session.exec(select(Theme).where(Theme.workshop_id == workshop_id).order_by(Theme.id))
        ]
        members = sorted(
            (m.theme_id, m.contribution_id, m.rank, m.source) for m in session.exec(select(ThemeMember))
        )
        run_themes_ = len(session.exec(select(RunTheme)).all())
    return curated, members, run_themes_


def test_default_pipeline_run_finds_the_four_topics_and_keeps_a_snapshot(db, open_workshop, model):
    """The real default route (UMAP + HDBSCAN) on 48 ideas about four topics."""
    workshop, sections = open_workshop
    topic_of = post_corpus(db, workshop, sections)

    run = run_themes(db, workshop.id, model=model)

    assert run.status == RunState.SUCCEEDED, run.error
    assert run.model_name.startswith("all-MiniLM-L6-v2")
    assert run.params["reducer"] == "UmapReducer"
    assert {"embed_new", "reduce", "cluster", "represent", "save", "total"} <= set(run.timings)
    assert run.counts["contributions"] == 48 and run.counts["new"] == run.counts["themes"]
    best = _theme_of_topic(db, topic_of)
    assert len(set(best.values())) == 4, "each topic gets its own theme"
    with db.read() as session:
        saved = session.exec(select(Theme).where(Theme.workshop_id == workshop.id)).all()
        assert all(t.is_new and t.created_in_run_id == run.id and t.last_run_id == run.id for t in saved)
        assert all(t.keywords and t.label and t.size > 0 for t in saved)
        snapshot = session.exec(select(RunTheme).where(RunTheme.run_id == run.id)).all()
        assert sorted(rt.theme_id for rt in snapshot) == sorted(t.id for t in saved)
        assert session.exec(select(CandidateFoundation).where(CandidateFoundation.run_id == run.id)).all()


def test_renamed_theme_keeps_its_name_and_members_grow_across_a_rerun(db, open_workshop, model, fast_reducer):
    workshop, sections = open_workshop
    topic_of = post_corpus(db, workshop, sections)
    first = run_themes(db, workshop.id, model=model, reducer=fast_reducer)
    assert first.status == RunState.SUCCEEDED, first.error
    carers = _theme_of_topic(db, topic_of)["carers"]
    with db.write() as session:  # what issue 4's rename does: a moderator's label, marked curated
        theme = session.get(Theme, carers)
        theme.label, theme.curated, theme.reviewed = "Support for unpaid carers", True, True
        session.add(theme)
    for topic, texts in MORE.items():
        for cid in post_ideas(db, workshop, sections[0], texts):
            topic_of[cid] = topic

    second = run_themes(db, workshop.id, model=model, reducer=fast_reducer)

    assert second.status == RunState.SUCCEEDED, second.error
    assert second.counts["contributions"] == 56 and second.counts["matched"] >= 4
    best = _theme_of_topic(db, topic_of)
    assert best["carers"] == carers, "the curated theme kept its identity"
    with db.read() as session:
        theme = session.get(Theme, carers)
        assert theme.label == "Support for unpaid carers"
        assert theme.last_run_id == second.id and not theme.is_new
        assert [step["action"] for step in theme.provenance] == ["created", "matched"]
        new_carer_ids = [cid for cid, t in topic_of.items() if t == "carers"][-2:]
        members = {
            m.contribution_id for m in session.exec(select(ThemeMember).where(ThemeMember.theme_id == carers))
        }
        assert set(new_carer_ids) <= members
        listed = {s.theme.id: s.found_in_latest for s in themes.list_themes(session, workshop_id=workshop.id)}
        assert listed[carers] is True


def test_a_moderators_move_survives_the_next_run(db, open_workshop, model, fast_reducer):
    workshop, sections = open_workshop
    topic_of = post_corpus(db, workshop, sections)
    run_themes(db, workshop.id, model=model, reducer=fast_reducer)
    best = _theme_of_topic(db, topic_of)
    moved = next(cid for cid, t in topic_of.items() if t == "gp")
    with db.write() as session:  # what issue 4's move does: a sticky moderator membership elsewhere
        for m in session.exec(select(ThemeMember).where(ThemeMember.contribution_id == moved)):
            session.delete(m)
        session.add(
            ThemeMember(theme_id=best["transport"], contribution_id=moved, source=MemberSource.MODERATOR)
        )
        session.flush()
        transport = session.get(Theme, best["transport"])
        before = transport.centroid
        assert themes.recompute_centroid(session, theme=transport)
        assert transport.centroid != before
        assert abs(float(np.linalg.norm(unpack_vector(transport.centroid))) - 1) < 1e-4

    run_themes(db, workshop.id, model=model, reducer=fast_reducer)

    with db.read() as session:
        rows = session.exec(
            select(ThemeMember).where(
                ThemeMember.contribution_id == moved, ThemeMember.rank == MemberRank.PRIMARY
            )
        ).all()
    assert [(m.theme_id, m.source) for m in rows] == [(best["transport"], MemberSource.MODERATOR)]


def test_a_theme_made_by_hand_before_any_run_is_matched_by_the_first_run(
    db, open_workshop, model, fast_reducer
):
    """A moderator (or the demo, or an import) groups the carers' ideas before anything was embedded: the
    theme has members but no centre. The first run takes its centre from its members and matches it, so
    the carers' ideas are not split off into a second, machine-named theme beside it."""
    workshop, sections = open_workshop
    topic_of = post_corpus(db, workshop, sections)
    carer_ids = [cid for cid, topic in topic_of.items() if topic == "carers"]
    with db.write() as session:
        theme = Theme(workshop_id=workshop.id, label="Support for unpaid carers", curated=True, reviewed=True,
                      size=len(carer_ids[:8]), keywords=[])  # fmt: skip
        session.add(theme)
        session.flush()
        curated_id = theme.id
        for cid in carer_ids[:8]:
            session.add(ThemeMember(theme_id=curated_id, contribution_id=cid, source=MemberSource.MODERATOR))

    run = run_themes(db, workshop.id, model=model, reducer=fast_reducer)

    assert run.status == RunState.SUCCEEDED, run.error
    assert run.counts["matched"] >= 1
    assert _theme_of_topic(db, topic_of)["carers"] == curated_id
    with db.read() as session:
        theme = session.get(Theme, curated_id)
        assert theme.label == "Support for unpaid carers" and theme.centroid is not None
        assert theme.size >= len(carer_ids) - 2, "the run's carers joined the moderator's eight"
        others = [
            t
            for t in session.exec(select(Theme).where(Theme.workshop_id == workshop.id))
            if t.id != curated_id
        ]
        assert all(sum(topic_of.get(m.contribution_id) == "carers" for m in _members(session, t.id)) <= 2
                   for t in others)  # fmt: skip
        # a candidate foundation is titled by one of its themes, as the board names it
        drafts = session.exec(select(CandidateFoundation).where(CandidateFoundation.run_id == run.id)).all()
        assert any(curated_id in d.theme_ids for d in drafts)
        for draft in drafts:
            assert draft.title in {session.get(Theme, i).label for i in draft.theme_ids}, draft.title


def _members(session, theme_id: int) -> list[ThemeMember]:
    return list(session.exec(select(ThemeMember).where(ThemeMember.theme_id == theme_id)))


class Boom:
    def fit_transform(self, vectors):
        raise RuntimeError("the reducer crashed")


def test_failed_run_leaves_the_last_good_snapshot_and_curated_themes_untouched(
    db, open_workshop, model, fast_reducer
):
    workshop, sections = open_workshop
    topic_of = post_corpus(db, workshop, sections)
    good = run_themes(db, workshop.id, model=model, reducer=fast_reducer)
    carers = _theme_of_topic(db, topic_of)["carers"]
    with db.write() as session:
        theme = session.get(Theme, carers)
        theme.label, theme.curated = "Carers", True
        session.add(theme)
    post_ideas(db, workshop, sections[0], MORE["gp"])
    before = _snapshot(db, workshop.id)

    failed = run_themes(db, workshop.id, model=model, reducer=Boom())

    assert failed.status == RunState.FAILED
    assert "the reducer crashed" in failed.message and "RuntimeError" in failed.error
    assert _snapshot(db, workshop.id) == before
    with db.read() as session:
        assert themes.latest_good_run(session, workshop_id=workshop.id).id == good.id
        assert session.get(Theme, carers).label == "Carers"
        assert theme_runs.active_run(session, workshop_id=workshop.id) is None  # a new run may start


def test_hidden_contributions_are_left_out_of_a_run(db, open_workshop, model, fast_reducer):
    workshop, sections = open_workshop
    topic_of = post_corpus(db, workshop, sections)
    hidden = next(iter(topic_of))
    with db.write() as session:
        c = session.get(Contribution, hidden)
        c.status = ContributionStatus.HIDDEN
        session.add(c)

    run = run_themes(db, workshop.id, model=model, reducer=fast_reducer)

    assert run.counts["contributions"] == 47
    with db.read() as session:
        assert not session.exec(select(ThemeMember).where(ThemeMember.contribution_id == hidden)).all()


def test_new_idea_is_embedded_by_the_worker_and_joins_the_right_theme(db, open_workshop, model, fast_reducer):
    workshop, sections = open_workshop
    topic_of = post_corpus(db, workshop, sections)
    run_themes(db, workshop.id, model=model, reducer=fast_reducer)
    best = _theme_of_topic(db, topic_of)

    (new,) = post_ideas(
        db, workshop, sections[1], ["Mental health crisis support is impossible to get at night."]
    )
    assert Worker(db, model=model).run_once() is True  # embeds the new idea and assigns it

    with db.read() as session:
        rows = session.exec(select(ThemeMember).where(ThemeMember.contribution_id == new)).all()
        primary = [m for m in rows if m.rank == MemberRank.PRIMARY]
        assert [(m.theme_id, m.source) for m in primary] == [(best["mental"], MemberSource.ASSIGNED)]
        in_theme = session.exec(
            select(ThemeMember).where(
                ThemeMember.theme_id == best["mental"], ThemeMember.rank == MemberRank.PRIMARY
            )
        ).all()
        assert session.get(Theme, best["mental"]).size == len(in_theme)
    assert Worker(db, model=model).run_once() is False  # nothing left to do


def test_a_run_left_running_by_a_killed_worker_is_marked_failed_and_changes_nothing(db, open_workshop):
    import subprocess
    import sys

    workshop, _ = open_workshop
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    with db.write() as session:
        run = theme_runs.start_run(session, workshop_id=workshop.id, actor_id=None)
    assert theme_runs.claim(
        db, run_id=run.id, worker=f"{theme_runs.worker_name().rpartition(':')[0]}:{gone.stdout.strip()}"
    )

    assert theme_runs.fail_abandoned(db) == [run.id]

    with db.read() as session:
        dead = session.get(ThemeRun, run.id)
        assert dead.status == RunState.FAILED and "previous themes are unchanged" in dead.message
        assert session.exec(select(Theme)).all() == []
