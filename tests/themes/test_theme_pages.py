"""Moderators start theme runs from the web, watch their progress and read themes; others cannot."""

import pytest
from sqlmodel import select

from crowd.models import Access, MemberRank, RunState, Theme, ThemeMember, ThemeRun, VoteChoice
from crowd.models.themes import pack_vector
from crowd.services.themes import runs as theme_runs
from crowd.services.workshop import votes
from tests.themes.conftest import make_author, post_ideas
from tests.themes.corpus import TOPICS


def _runs(db) -> list[ThemeRun]:
    with db.read() as session:
        return list(session.exec(select(ThemeRun)))


def _theme_with_members(db, workshop, section, texts, *, label="GP appointments") -> tuple[int, list[int]]:
    """A theme as a finished run leaves it: label, keywords, quotes and primary members."""
    ids = post_ideas(db, workshop, section, texts)
    with db.write() as session:
        theme = Theme(
            workshop_id=workshop.id,
            label=label,
            keywords=["gp", "appointment", "phone"],
            representative_ids=ids[:3],
            centroid=pack_vector([1.0] * 384),
            size=len(ids),
        )
        session.add(theme)
        session.flush()
        session.add_all(
            ThemeMember(theme_id=theme.id, contribution_id=cid, score=1 - i / 100)
            for i, cid in enumerate(ids)
        )
    return theme.id, ids


def test_participant_is_refused_every_theme_route(db, person, open_workshop):
    workshop, sections = open_workshop
    theme_id, _ = _theme_with_members(db, workshop, sections[0], TOPICS["gp"][:2])
    with db.write() as session:
        run = theme_runs.start_run(session, workshop_id=workshop.id, actor_id=None)
    ann = person("ann@example.org")
    base = f"/manage/workshops/{workshop.id}/themes"

    for path in (base, f"{base}/runs", f"{base}/runs/{run.id}", f"/manage/themes/{theme_id}"):
        assert ann.client.get(path).status_code == 403, path
    assert ann.post(f"{base}/runs").status_code == 403
    assert len(_runs(db)) == 1


def test_moderator_starts_a_run_and_watches_its_progress_bar_until_it_finishes(db, person, open_workshop):
    workshop, sections = open_workshop
    post_ideas(db, workshop, sections[0], TOPICS["gp"][:5])
    mod = person("mo@example.org", access=Access.MODERATOR)
    base = f"/manage/workshops/{workshop.id}/themes"

    started = mod.post(f"{base}/runs", follow_redirects=False)

    assert started.status_code == 303
    (run,) = _runs(db)
    assert run.status == RunState.QUEUED and run.requested_by_id == mod.id
    assert started.headers["location"] == f"{base}/runs/{run.id}"
    page = mod.client.get(started.headers["location"])
    assert "Waiting for the worker" in page.text and 'hx-trigger="every 1s"' in page.text
    partial = mod.client.get(f"{base}/runs/{run.id}", headers={"HX-Request": "true"})
    assert partial.text.lstrip().startswith('<div id="run-progress"') and "<html" not in partial.text

    assert theme_runs.claim(db, run_id=run.id)  # what the worker does
    theme_runs.execute_run(db, run_id=run.id)

    done = mod.client.get(f"{base}/runs/{run.id}", headers={"HX-Request": "true"}).text
    assert "hx-trigger" not in done, "polling stops once the run has finished"
    assert "Not enough contributions to find themes: 5 usable" in done
    listing = mod.client.get(f"{base}/runs").text
    assert f"Run {run.id}" in listing and "Not enough contributions" in listing


def test_second_start_while_a_run_is_queued_says_so_and_queues_nothing(db, person, open_workshop):
    workshop, _ = open_workshop
    mod = person("mo@example.org", access=Access.MODERATOR)
    base = f"/manage/workshops/{workshop.id}/themes"
    mod.post(f"{base}/runs")

    again = mod.post(f"{base}/runs")

    assert again.status_code == 409
    assert "already queued" in again.text
    assert len(_runs(db)) == 1


@pytest.mark.parametrize("bad", ["abc", "1", "100000"])
def test_bad_smallest_theme_size_is_refused_with_a_message_and_stores_nothing(db, person, open_workshop, bad):
    workshop, _ = open_workshop
    mod = person("mo@example.org", access=Access.MODERATOR)

    response = mod.post(f"/manage/workshops/{workshop.id}/themes/runs", {"min_cluster_size": bad})

    assert response.status_code == 400
    assert "Smallest theme size must be" in response.text
    assert f'value="{bad}"' in response.text
    assert _runs(db) == []


def test_theme_page_shows_label_keywords_size_quotes_agree_share_and_members(db, person, open_workshop):
    workshop, sections = open_workshop
    theme_id, ids = _theme_with_members(db, workshop, sections[0], TOPICS["gp"][:30])
    ballots = [
        (ids[0], VoteChoice.AGREE),
        (ids[0], VoteChoice.DISAGREE),
        (ids[1], VoteChoice.AGREE),
        (ids[2], VoteChoice.AGREE),
        (ids[2], VoteChoice.PASS),
    ]  # 3 agree and 1 disagree over the theme's contributions (a pass counts for neither): 75%
    voters = [make_author(db, f"voter{i}@example.org") for i in range(len(ballots))]
    with db.write() as session:
        for voter, (cid, choice) in zip(voters, ballots, strict=True):
            votes.cast_vote(session, participant_id=voter.id, contribution_id=cid, choice=choice)
    mod = person("mo@example.org", access=Access.MODERATOR)

    page = mod.client.get(f"/manage/themes/{theme_id}")

    assert page.status_code == 200
    text = page.text
    assert "GP appointments" in text and "gp, appointment, phone" in text
    assert "12 contributions" in text
    assert "75% of 4 agree or disagree votes" in text
    assert "Representative quotes" in text and TOPICS["gp"][0] in text
    assert "Contributions (12)" in text
    listing = mod.client.get(f"/manage/workshops/{workshop.id}/themes").text
    assert "GP appointments" in listing and "Not found in the latest run" in listing


def test_theme_members_are_paginated_and_the_page_swaps_by_itself(db, person, open_workshop):
    workshop, sections = open_workshop
    texts = [f"Idea number {i} about seeing a GP quickly" for i in range(30)]
    theme_id, ids = _theme_with_members(db, workshop, sections[0], texts)
    mod = person("mo@example.org", access=Access.MODERATOR)

    first = mod.client.get(f"/manage/themes/{theme_id}").text
    second = mod.client.get(
        f"/manage/themes/{theme_id}?&page=2", headers={"HX-Request": "true", "HX-Target": "theme-members"}
    ).text

    assert "Contributions (30)" in first and "Page 2 of 2" in first
    assert texts[0] + "<" in first and texts[29] + "<" not in first
    assert second.lstrip().startswith('<div id="theme-members"') and texts[29] in second


def test_similar_ideas_is_empty_when_embeddings_are_off(db, person, open_workshop):
    workshop, sections = open_workshop
    post_ideas(db, workshop, sections[0], TOPICS["gp"][:3])
    ann = person("ann@example.org")

    response = ann.client.get(f"/w/{workshop.slug}/similar", params={"text": "I cannot get a GP appointment"})

    assert response.status_code == 200
    assert response.text.strip().startswith('<div id="similar-ideas"')
    assert "Similar ideas" not in response.text


def test_workshop_page_keeps_the_similar_ideas_target_outside_the_idea_form(db, person, open_workshop):
    workshop, _ = open_workshop
    ann = person("ann@example.org")

    page = ann.client.get(f"/w/{workshop.slug}").text

    form_end = page.index("</form>", page.index(f'action="/w/{workshop.slug}/ideas"'))
    assert 'id="similar-ideas"' in page[form_end:], "vote forms cannot nest inside the idea form"


def test_members_of_a_theme_are_ranked_primary_first(db, open_workshop):
    workshop, sections = open_workshop
    theme_id, ids = _theme_with_members(db, workshop, sections[0], TOPICS["gp"][:3])
    with db.write() as session:
        member = session.exec(select(ThemeMember).where(ThemeMember.contribution_id == ids[0])).one()
        member.rank = MemberRank.SECONDARY
        session.add(member)
    from crowd.services.themes import curated as themes

    with db.read() as session:
        rows = themes.members_of(session, theme_id=theme_id).rows
    assert [c.id for _, c in rows] == [ids[1], ids[2], ids[0]]
