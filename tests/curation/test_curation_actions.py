"""Curation actions through the services: what a moderator does to themes, and what survives a re-run."""

from __future__ import annotations

import pytest
from sqlmodel import select

from crowd.models import (
    AuditEntry,
    CurationAction,
    Evidence,
    FoundationTheme,
    MemberRank,
    MemberSource,
    Theme,
    ThemeMember,
    ThemeStatus,
)
from crowd.services.curation import labels, merging, moving, promotion, splitting
from crowd.services.curation import log as curation_log
from crowd.services.declaration import foundations
from crowd.services.errors import Conflict, DomainError
from crowd.services.workshop import moderation
from tests.conftest import make_workshop
from tests.curation.conftest import Themed, post, run_now
from tests.themes.corpus import MORE

ACTOR = None


def primary_ids(db, theme_id: int) -> set[int]:
    with db.read() as session:
        return set(
            session.exec(
                select(ThemeMember.contribution_id).where(
                    ThemeMember.theme_id == theme_id, ThemeMember.rank == MemberRank.PRIMARY
                )
            )
        )


def load(db, theme_id: int) -> Theme:
    with db.read() as session:
        return session.get(Theme, theme_id)


def ids_of(themed: Themed, topic: str) -> list[int]:
    return [cid for cid, t in themed.topic_of.items() if t == topic]


def test_curation_survives_a_rerun_after_new_contributions_arrive(db, themed: Themed):
    gp, carers, mental = (themed.theme_of(db, t) for t in ("gp", "carers", "mental"))
    moved = ids_of(themed, "mental")[:2]
    with db.write() as session:
        labels.rename(
            session, actor_id=ACTOR, theme_id=gp.id, version=gp.version, label="Getting a GP appointment"
        )
        moving.move(
            session,
            actor_id=ACTOR,
            theme_id=mental.id,
            version=None,
            contribution_ids=moved,
            to_theme_id=carers.id,
        )
    for name, texts in MORE.items():
        for text in texts:
            themed.topic_of[
                post(db, themed.workshop, themed.sections[0], themed.people["staff"][5], text)
            ] = name

    rerun = run_now(db, themed.workshop.id)

    assert rerun.status.value == "succeeded"
    renamed = load(db, gp.id)
    assert renamed.label == "Getting a GP appointment" and renamed.curated
    assert renamed.last_run_id == rerun.id  # the run matched it, and kept the name
    assert set(moved) <= primary_ids(db, carers.id)  # sticky moves stay where the moderator put them
    assert not set(moved) & primary_ids(db, mental.id)
    assert set(ids_of(themed, "gp")) <= primary_ids(db, gp.id)  # the new GP ideas joined the renamed theme


def test_merging_a_theme_with_itself_is_refused(db, themed: Themed):
    gp = themed.theme_of(db, "gp")
    with db.write() as session, pytest.raises(DomainError, match="cannot be merged with itself"):
        merging.merge(session, actor_id=ACTOR, theme_ids=[gp.id, gp.id])
    assert load(db, gp.id).status == ThemeStatus.ACTIVE


def test_merge_joins_members_keeps_provenance_and_can_be_undone(db, themed: Themed):
    gp, mental = themed.theme_of(db, "gp"), themed.theme_of(db, "mental")
    before_gp, before_mental = primary_ids(db, gp.id), primary_ids(db, mental.id)
    with db.write() as session:
        merging.merge(session, actor_id=ACTOR, theme_ids=[gp.id, mental.id])
    merged, gone = load(db, gp.id), load(db, mental.id)
    assert primary_ids(db, gp.id) == before_gp | before_mental
    assert merged.size == 24
    assert gone.status == ThemeStatus.MERGED and gone.merged_into_id == gp.id
    assert merged.provenance[-1]["action"] == "merged" and merged.provenance[-1]["from_theme_ids"] == [
        mental.id
    ]
    with db.read() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "curation.merge")).one()
        action = session.exec(select(CurationAction)).one()
    assert entry.before and entry.after

    with db.write() as session:
        curation_log.undo(session, actor_id=ACTOR, action_id=action.id)

    assert primary_ids(db, gp.id) == before_gp and primary_ids(db, mental.id) == before_mental
    assert load(db, mental.id).status == ThemeStatus.ACTIVE
    assert load(db, gp.id).size == 12


def test_splitting_a_theme_of_one_or_into_too_many_parts_is_refused(db, themed: Themed):
    gp = themed.theme_of(db, "gp")
    keep = ids_of(themed, "gp")[0]
    with db.write() as session:
        splitting.split_pick(
            session,
            actor_id=ACTOR,
            theme_id=gp.id,
            version=None,
            contribution_ids=[c for c in ids_of(themed, "gp") if c != keep],
        )
    with db.write() as session, pytest.raises(DomainError, match="theme of one contribution cannot be split"):
        splitting.split_kmeans(session, actor_id=ACTOR, theme_id=gp.id, version=None, k=2)
    mental = themed.theme_of(db, "mental")
    with db.write() as session, pytest.raises(DomainError, match="split it into 2 to 12 parts"):
        splitting.split_kmeans(session, actor_id=ACTOR, theme_id=mental.id, version=None, k=13)


def test_a_merged_pair_splits_back_into_its_two_topics_with_k_means(db, themed: Themed):
    gp, transport = themed.theme_of(db, "gp"), themed.theme_of(db, "transport")
    with db.write() as session:
        merging.merge(session, actor_id=ACTOR, theme_ids=[gp.id, transport.id])
    with db.write() as session:
        parts = splitting.split_kmeans(session, actor_id=ACTOR, theme_id=gp.id, version=None, k=2)
        part_ids = [p.id for p in parts]
    found = sorted(sorted(primary_ids(db, i)) for i in part_ids)
    assert found == sorted([sorted(ids_of(themed, "gp")), sorted(ids_of(themed, "transport"))])
    assert load(db, gp.id).status == ThemeStatus.SPLIT
    for part_id in part_ids:
        part = load(db, part_id)
        assert part.provenance[0]["action"] == "split" and part.provenance[0]["from_theme_ids"] == [gp.id]
        assert part.size == 12


def test_moving_into_a_theme_of_a_stale_run_or_another_workshop_is_refused(db, themed: Themed):
    gp, carers = themed.theme_of(db, "gp"), themed.theme_of(db, "carers")
    with db.write() as session:  # the carers theme was not found by the latest run
        stale = session.get(Theme, carers.id)
        stale.last_run_id = None
        session.add(stale)
    with db.write() as session, pytest.raises(DomainError, match="older theme run"):
        moving.move(
            session,
            actor_id=ACTOR,
            theme_id=gp.id,
            version=None,
            contribution_ids=ids_of(themed, "gp")[:1],
            to_theme_id=carers.id,
        )
    other, _ = make_workshop(db, title="Another workshop")
    with db.write() as session:
        elsewhere = Theme(workshop_id=other.id, label="Elsewhere", last_run_id=themed.run.id)
        session.add(elsewhere)
    with db.write() as session, pytest.raises(DomainError, match="another workshop"):
        moving.move(
            session,
            actor_id=ACTOR,
            theme_id=gp.id,
            version=None,
            contribution_ids=ids_of(themed, "gp")[:1],
            to_theme_id=elsewhere.id,
        )
    assert primary_ids(db, gp.id) == set(ids_of(themed, "gp"))


def test_moved_contributions_are_sticky_and_excluded_from_their_old_theme(db, themed: Themed):
    gp, carers = themed.theme_of(db, "gp"), themed.theme_of(db, "carers")
    moved = ids_of(themed, "gp")[:3]
    with db.write() as session:
        moving.move(
            session,
            actor_id=ACTOR,
            theme_id=gp.id,
            version=None,
            contribution_ids=moved,
            to_theme_id=carers.id,
        )
    with db.read() as session:
        rows = session.exec(select(ThemeMember).where(ThemeMember.contribution_id.in_(moved))).all()  # type: ignore[union-attr]
    assert {(r.theme_id, r.rank, r.source) for r in rows} == {
        (gp.id, MemberRank.EXCLUDED, MemberSource.MODERATOR),
        (carers.id, MemberRank.PRIMARY, MemberSource.MODERATOR),
    }
    assert load(db, gp.id).size == 9 and load(db, carers.id).size == 15


def test_a_second_moderator_editing_the_same_theme_sees_a_conflict_and_nothing_is_overwritten(
    db, themed: Themed
):
    gp = themed.theme_of(db, "gp")
    loaded_version = gp.version
    with db.write() as session:
        labels.rename(session, actor_id=ACTOR, theme_id=gp.id, version=loaded_version, label="First name")
    with db.write() as session, pytest.raises(Conflict, match="Someone else changed this theme"):
        labels.rename(session, actor_id=ACTOR, theme_id=gp.id, version=loaded_version, label="Second name")
    assert load(db, gp.id).label == "First name"


def test_pinning_a_quote_adds_foundation_evidence_and_undo_takes_it_back(db, themed: Themed):
    gp = themed.theme_of(db, "gp")
    quote = ids_of(themed, "gp")[0]
    with db.write() as session:
        foundation = foundations.create_foundation(session, actor_id=ACTOR, title="Access to GPs")
    with db.write() as session:
        promotion.pin_quote(
            session, actor_id=ACTOR, theme_id=gp.id, contribution_id=quote, foundation_id=foundation.id
        )
    with db.read() as session:
        shown = foundations.evidence_of(session, foundation_id=foundation.id)
        row = session.exec(
            select(ThemeMember).where(ThemeMember.theme_id == gp.id, ThemeMember.contribution_id == quote)
        ).one()
        action = session.exec(select(CurationAction)).one()
    assert [e.reference for e in shown] == [f"contribution:{quote}"]
    assert row.pinned and row.source == MemberSource.MODERATOR
    with db.write() as session:
        curation_log.undo(session, actor_id=ACTOR, action_id=action.id)
    with db.read() as session:
        assert session.exec(select(Evidence)).all() == []


def test_promoting_a_theme_and_a_candidate_makes_linked_foundations(db, themed: Themed):
    gp = themed.theme_of(db, "gp")
    with db.write() as session:
        labels.rename(
            session,
            actor_id=ACTOR,
            theme_id=gp.id,
            version=None,
            label="GP access",
            description="We must make GP appointments easy to get.",
        )
    with db.write() as session:
        made = promotion.promote_theme(session, actor_id=ACTOR, theme_id=gp.id)
        assert made.title == "GP access" and made.statement.startswith("We must")
    from crowd.models import CandidateFoundation

    with db.read() as session:
        candidate = session.exec(
            select(CandidateFoundation).where(CandidateFoundation.run_id == themed.run.id)
        ).first()
    with db.write() as session:
        second = promotion.promote_candidate(session, actor_id=ACTOR, candidate_id=candidate.id)
        linked = promotion.themes_of_foundation(session, foundation_id=second.id)
        assert {t.id for t in linked} == set(candidate.theme_ids)
        assert len(foundations.evidence_of(session, foundation_id=second.id)) == len(candidate.quote_ids)
        # a theme is under every foundation made from it: its own, and the candidate's when it holds it
        expected = {"GP access"} | ({second.title} if gp.id in candidate.theme_ids else set())
        assert {f.title for f in promotion.foundations_of(session, theme_id=gp.id)} == expected


def test_grouping_a_theme_twice_under_one_foundation_is_refused(db, themed: Themed):
    gp = themed.theme_of(db, "gp")
    with db.write() as session:
        foundation = foundations.create_foundation(session, actor_id=ACTOR, title="Access")
    with db.write() as session:
        promotion.group_under(session, actor_id=ACTOR, theme_id=gp.id, foundation_id=foundation.id)
    with db.write() as session, pytest.raises(DomainError, match="already grouped"):
        promotion.group_under(session, actor_id=ACTOR, theme_id=gp.id, foundation_id=foundation.id)
    with db.read() as session:
        assert len(session.exec(select(FoundationTheme)).all()) == 1


def test_only_the_latest_change_to_a_theme_can_be_undone_and_never_across_a_run(db, themed: Themed):
    gp = themed.theme_of(db, "gp")
    with db.write() as session:
        first = labels.rename(session, actor_id=ACTOR, theme_id=gp.id, version=None, label="One")
        first_action = curation_log.latest_for(session, theme_id=gp.id, workshop_id=gp.workshop_id).id
    with db.write() as session:
        labels.set_marks(session, actor_id=ACTOR, theme_id=first.id, version=None, reviewed=True)
    with db.write() as session, pytest.raises(Conflict, match="undo .*first"):
        curation_log.undo(session, actor_id=ACTOR, action_id=first_action)
    run_now(db, themed.workshop.id)
    with db.read() as session:
        latest = curation_log.latest_for(session, theme_id=gp.id, workshop_id=gp.workshop_id).id
    with db.write() as session, pytest.raises(Conflict, match="theme run has finished"):
        curation_log.undo(session, actor_id=ACTOR, action_id=latest)
    assert load(db, gp.id).label == "One" and load(db, gp.id).reviewed


def _hide_a_gp_idea(db, themed: Themed) -> None:
    with db.write() as session:
        moderation.hide(
            session,
            contribution_id=ids_of(themed, "gp")[0],
            actor_id=themed.people["staff"][0].id,
            reason="Personal details",
        )


def test_hidden_contributions_drop_out_of_theme_sizes(db, themed: Themed):
    from crowd.services.curation import board as curation_board

    gp = themed.theme_of(db, "gp")
    _hide_a_gp_idea(db, themed)
    assert load(db, gp.id).size == 11
    with db.read() as session:
        row = next(
            r
            for r in curation_board.board(session, workshop_id=themed.workshop.id).rows
            if r.theme.id == gp.id
        )
    assert row.size == 11


@pytest.mark.parametrize(
    ("named", "renamed"),
    [
        ("Unnamed theme ({n} short replies)", "Unnamed theme (11 short replies)"),
        # how many of them were short is not known any more: the name keeps only what it can count
        ("Unnamed theme ({n} replies, 5 of them short)", "Unnamed theme (11 replies)"),
    ],
)
def test_an_unnamed_themes_name_counts_what_it_holds_once_a_member_is_hidden(
    db, themed: Themed, named: str, renamed: str
):
    gp = themed.theme_of(db, "gp")
    with db.write() as session:
        theme = session.get(Theme, gp.id)
        theme.label = named.format(n=theme.size)  # as a run names a theme of replies
        theme.description = (
            f"{theme.size} short replies (agreement, thanks or a few words) with no topic of their own."
        )
        session.add(theme)
    _hide_a_gp_idea(db, themed)
    assert load(db, gp.id).label == renamed and load(db, gp.id).size == 11
    assert load(db, gp.id).description.startswith("11 short replies (")


def test_imported_notes_count_on_the_board_by_their_recorded_role_borough_and_stream(db, themed: Themed):
    from crowd.models import Contribution, ContributionKind, Stream
    from crowd.services.curation import board as curation_board

    gp = themed.theme_of(db, "gp")
    with db.write() as session:
        note = Contribution(
            workshop_id=themed.workshop.id,
            kind=ContributionKind.NOTE,
            stream=Stream.FOCUS_GROUP,
            text="Focus group: nobody could get a GP appointment.",
            source_role="carer",
            source_borough="Brent",
        )
        session.add(note)
        session.flush()
        session.add(ThemeMember(theme_id=gp.id, contribution_id=note.id, source=MemberSource.MODERATOR))
    with db.read() as session:
        row = next(
            r
            for r in curation_board.board(session, workshop_id=themed.workshop.id).rows
            if r.theme.id == gp.id
        )
    assert row.size == 13
    assert row.roles["carer"] == 5 and row.boroughs["Brent"] == 1 and row.streams["focus_group"] == 1
