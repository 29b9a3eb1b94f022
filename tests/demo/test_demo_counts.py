"""Numbers the demo shows must add up: vote tallies, comment counts, the straw poll, masking, the timeline."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from crowd.demo.leanings import agree_chance
from crowd.demo.texts import Stance
from crowd.demo.topics import TOPICS
from crowd.models import (
    Access,
    Contribution,
    ContributionKind,
    Participant,
    PollAnswer,
    PollChoice,
    Vote,
    Workshop,
)
from crowd.services.masking import NHS_NUMBER, mask_personal_data, valid_nhs_number
from crowd.services.workshop.contributions import wilson_lower_bound


def _aware(moment):
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def test_every_tally_equals_the_vote_rows_behind_it(demo):
    with demo.db.read() as session:
        posts = list(session.exec(select(Contribution)))
        rows = session.exec(
            select(Vote.contribution_id, Vote.choice, func.count()).group_by(
                Vote.contribution_id, Vote.choice
            )
        )
        votes: dict[int, Counter] = {}
        for contribution_id, choice, n in rows:
            votes.setdefault(contribution_id, Counter())[choice.value] = n
        comments = Counter(p.parent_id for p in posts if p.kind == ContributionKind.COMMENT)
        total_votes = session.exec(select(func.count()).select_from(Vote)).one()
    assert total_votes == demo.summary.votes > 10 * len(posts) / 3
    for post in posts:
        tally = votes.get(post.id, Counter())
        assert (post.agree_count, post.disagree_count, post.pass_count) == (
            tally["agree"],
            tally["disagree"],
            tally["pass"],
        )
        assert post.support == pytest.approx(wilson_lower_bound(tally["agree"], tally["disagree"]))
        assert post.comment_count == comments.get(post.id, 0)


def test_nobody_votes_on_their_own_post_or_before_it_was_written(demo):
    with demo.db.read() as session:
        rows = session.exec(
            select(
                Vote.participant_id, Vote.created_at, Contribution.author_id, Contribution.created_at
            ).join(Contribution, Contribution.id == Vote.contribution_id)
        ).all()
    assert rows
    assert all(voter != author for voter, _, author, _ in rows)
    assert all(_aware(voted) >= _aware(posted) for _, voted, _, posted in rows)


def test_personal_data_posted_by_a_few_people_is_masked(demo):
    with demo.db.read() as session:
        texts = [(p.text, p.masked) for p in session.exec(select(Contribution))]
    masked = [(text, kinds) for text, kinds in texts if kinds]
    assert 3 <= len(masked) <= 5
    assert all("removed]" in text for text, _ in masked)
    assert {k for _, kinds in masked for k in kinds.split(",")} <= {"nhs_number", "phone"}
    for text, _ in texts:
        assert not any(valid_nhs_number("".join(m.groups())) for m in NHS_NUMBER.finditer(text))
        assert mask_personal_data(text).kinds == ()


def test_about_nine_in_ten_poll_answers_support_the_draft(demo):
    with demo.db.read() as session:
        answers = Counter(session.exec(select(PollAnswer.choice)).all())
        crowd = session.exec(
            select(func.count()).select_from(Participant).where(Participant.access == Access.PARTICIPANT)
        ).one()
    total = sum(answers.values())
    assert 0.55 <= total / crowd <= 0.85
    support = (answers[PollChoice.COMPLETELY] + answers[PollChoice.MOSTLY]) / total
    assert 0.86 <= support <= 0.96
    assert demo.summary.support_share == pytest.approx(support)


def test_most_activity_comes_in_the_first_hours_after_launch_with_a_tail_over_days(demo):
    with demo.db.read() as session:
        workshop = session.exec(select(Workshop).where(Workshop.slug == "our-declaration")).one()
        times = session.exec(
            select(Contribution.created_at).where(Contribution.workshop_id == workshop.id)
        ).all()
    opened = _aware(workshop.opens_at)
    offsets = [_aware(t) - opened for t in times]
    assert all(offset >= timedelta(0) for offset in offsets)
    first_hours = sum(offset < timedelta(hours=8) for offset in offsets) / len(offsets)
    assert first_hours > 0.35
    assert any(offset > timedelta(days=2) for offset in offsets)


def test_roles_lean_differently_on_some_subtopics():
    topics = {t.key: t for group in TOPICS.values() for t in group}

    def chance(key: str, role: str) -> float:
        return agree_chance(
            topic=topics[key], role=role, camp="system_change", stance=Stance.SUPPORT, quality=0
        )

    assert chance("tell_story_once", "service_user") > chance("tell_story_once", "staff") + 0.1
    assert chance("burnout", "staff") > chance("burnout", "service_user") + 0.1
    assert chance("outcome_commissioning", "staff") > chance("outcome_commissioning", "service_user") + 0.1


def test_the_progress_callback_reports_each_step_to_completion(demo):
    finished = {step for step, done, total in demo.steps if done == total}
    assert {"Participants", "Ideas and comments", "Votes", "Straw poll", "Saving"} <= finished
