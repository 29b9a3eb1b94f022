"""What the design group reads: names with descriptions, one size per theme, candidate foundations whose
every sentence cites contributions of their own themes, the drafted mark until a person edits, and the
unthemed contributions they can browse and move into a theme."""

from __future__ import annotations

import re

from sqlmodel import col, select

from crowd.models import (
    Access,
    CandidateFoundation,
    Contribution,
    Foundation,
    MemberRank,
    MemberSource,
    Theme,
    ThemeMember,
)
from crowd.services.curation import labels
from tests.curation.conftest import Themed, post, run_now

DRAFTED = re.compile(r"Drafted by crowd from (\d+) contributions? - edit before use")


def sizes_in(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<span class="crowd-size">(\d+)</span>', html)]


def test_a_themes_one_size_is_the_same_on_the_board_its_pages_and_its_foundation(db, person, themed: Themed):
    mod = person("mod@example.org", access=Access.MODERATOR)
    carers = themed.theme_of(db, "carers")
    board = mod.client.get(f"/manage/workshops/{themed.workshop.id}/themes/board").text
    row = board[board.index(f'id="board-theme-{carers.id}"') :]
    size = sizes_in(row)[0]
    assert size == carers.size == 12
    assert sizes_in(mod.client.get(f"/manage/themes/{carers.id}/curate").text)[0] == size
    assert (
        f"{size} contributions mainly about this theme" in mod.client.get(f"/manage/themes/{carers.id}").text
    )
    with db.read() as session:
        candidate = session.exec(
            select(CandidateFoundation).where(CandidateFoundation.run_id == themed.run.id)
        ).all()
    holding = next(c for c in candidate if carers.id in c.theme_ids)
    answer = mod.post(f"/manage/candidates/{holding.id}/promote", follow_redirects=False)
    grouped = mod.client.get(answer.headers["location"] + "/themes").text
    assert f"{carers.label}</a> ({size} contributions)" in grouped


def test_board_shows_names_descriptions_and_keywords_on_a_second_line(db, person, themed: Themed):
    mod = person("mod@example.org", access=Access.MODERATOR)
    board = mod.client.get(f"/manage/workshops/{themed.workshop.id}/themes/board").text
    for theme in themed.active_themes(db):
        assert theme.label in board
        assert "," not in theme.label
        assert theme.description and theme.description_ids
        assert theme.description[:40] in board
    assert "Keywords:" in board


def test_every_sentence_of_a_candidate_foundation_cites_contributions_of_its_own_themes(db, person, themed):
    with db.read() as session:
        candidates = session.exec(
            select(CandidateFoundation).where(CandidateFoundation.run_id == themed.run.id)
        ).all()
        assert 1 <= len(candidates) <= 7
        for candidate in candidates:
            members = set(
                session.exec(
                    select(ThemeMember.contribution_id).where(
                        col(ThemeMember.theme_id).in_(candidate.theme_ids),
                        ThemeMember.rank == MemberRank.PRIMARY,
                    )
                )
            )
            assert set(candidate.citations) == {"statement", "looks_like", "how_to_achieve"}
            cited = [i for part in candidate.citations.values() for s in part for i in s["ids"]]
            assert cited, candidate.title
            assert set(cited) <= members
            assert all(session.get(Contribution, i) is not None for i in cited)
            assert candidate.statement.startswith("We must ")
            assert candidate.contribution_count == sum(
                session.get(Theme, i).size for i in candidate.theme_ids
            )
    mod = person("mod@example.org", access=Access.MODERATOR)
    board = mod.client.get(f"/manage/workshops/{themed.workshop.id}/themes/board").text
    assert DRAFTED.search(board)
    first = candidates[0].citations["statement"][0]["ids"][0]
    assert f'/w/{themed.workshop.slug}/ideas/{first}"' in board  # the footnote links to the contribution


def test_a_promoted_draft_keeps_its_mark_and_sources_until_a_moderator_saves_it(db, person, themed: Themed):
    mod = person("mod@example.org", access=Access.MODERATOR)
    with db.read() as session:
        candidate = session.exec(
            select(CandidateFoundation).where(CandidateFoundation.run_id == themed.run.id)
        ).first()
    answer = mod.post(f"/manage/candidates/{candidate.id}/promote", follow_redirects=False)
    page = mod.client.get(answer.headers["location"]).text
    assert int(DRAFTED.search(page).group(1)) == candidate.contribution_count
    cited = candidate.citations["statement"][0]["ids"][0]
    assert f"Contribution {cited}</a>" in page
    with db.read() as session:
        foundation = session.exec(select(Foundation)).one()
    assert foundation.statement == candidate.statement and foundation.looks_like == candidate.looks_like
    saved = mod.post(
        f"/foundations/{foundation.id}",
        {
            "version": foundation.version,
            "title": "Carers as partners in care",
            "statement": "We must treat carers as partners in care.",
            "looks_like": foundation.looks_like,
            "how_to_achieve": foundation.how_to_achieve,
        },
    )
    assert saved.status_code == 200
    assert not DRAFTED.search(mod.client.get(f"/foundations/{foundation.id}").text)


def test_a_moderators_name_and_description_survive_a_rerun(db, themed: Themed):
    gp = themed.theme_of(db, "gp")
    with db.write() as session:
        labels.rename(
            session,
            actor_id=None,
            theme_id=gp.id,
            version=None,
            label="Seeing a GP",
            description="Our words.",
        )
    run_now(db, themed.workshop.id)
    with db.read() as session:
        again = session.get(Theme, gp.id)
    assert (again.label, again.description) == ("Seeing a GP", "Our words.")


def test_unthemed_contributions_are_listed_with_the_noise_share_and_can_join_a_theme(db, person, themed):
    mod = person("mod@example.org", access=Access.MODERATOR)
    author = themed.people["carer"][5]
    loose = [
        post(
            db,
            themed.workshop,
            themed.sections[0],
            author,
            "The lifts at outpatients have been broken for weeks.",
        ),
        post(db, themed.workshop, themed.sections[0], author, "Why is the cafe closed at weekends?"),
    ]
    address = f"/manage/workshops/{themed.workshop.id}/themes/unthemed"
    page = mod.client.get(address).text
    assert "The lifts at outpatients" in page and "cafe closed" in page
    assert "<strong>2</strong> of 50 visible contributions are unthemed (4%)" in page
    assert (
        "2 unthemed contributions"
        in mod.client.get(f"/manage/workshops/{themed.workshop.id}/themes/board").text
    )

    transport = themed.theme_of(db, "transport")
    refused = mod.post(address, {"to_theme_id": transport.id})
    assert refused.status_code == 400 and "Tick the unthemed contributions to move." in refused.text
    moved = mod.post(address, {"to_theme_id": transport.id, "contribution_ids": [loose[0]]})
    assert moved.status_code == 200 and f"Moved into &#34;{transport.label}&#34;." in moved.text
    assert "The lifts at outpatients" not in moved.text and "cafe closed" in moved.text
    with db.read() as session:
        assert session.get(Theme, transport.id).size == transport.size + 1

    run_now(db, themed.workshop.id)  # the moderator's choice is sticky
    with db.read() as session:
        row = session.exec(select(ThemeMember).where(ThemeMember.contribution_id == loose[0])).one()
    assert (row.theme_id, row.rank, row.source) == (transport.id, MemberRank.PRIMARY, MemberSource.MODERATOR)


def test_participants_cannot_see_or_move_unthemed_contributions(db, person, themed: Themed):
    someone = person("someone@example.org")
    address = f"/manage/workshops/{themed.workshop.id}/themes/unthemed"
    assert someone.client.get(address).status_code == 403
    assert someone.post(address, {"to_theme_id": 1, "contribution_ids": [1]}).status_code == 403


def test_quotes_come_from_different_people_and_roles_and_link_to_their_contributions(db, person, themed):
    from crowd.services.themes import curated

    carers = themed.theme_of(db, "carers")
    with db.read() as session:
        quotes = curated.representative_quotes(session, theme=session.get(Theme, carers.id))
    assert len({q.contribution.author_id for q in quotes}) == len(quotes) == 3  # the topic has three authors
    assert {q.role for q in quotes} == {"staff", "service_user", "carer"}
    assert all(q.name == "" for q in quotes)  # nobody here consented to be quoted by name
    mod = person("mod@example.org", access=Access.MODERATOR)
    page = mod.client.get(f"/manage/themes/{carers.id}").text
    for q in quotes:
        assert (
            f'/w/{themed.workshop.slug}/ideas/{q.contribution.id}">contribution {q.contribution.id}</a>'
            in page
        )


def test_the_board_can_group_its_themes_under_the_candidate_foundations(db, person, themed: Themed):
    mod = person("mod@example.org", access=Access.MODERATOR)
    with db.read() as session:
        candidates = session.exec(
            select(CandidateFoundation)
            .where(CandidateFoundation.run_id == themed.run.id)
            .order_by(col(CandidateFoundation.position))
        ).all()
    board = mod.client.get(f"/manage/workshops/{themed.workshop.id}/themes/board?sort=foundation").text
    headings = re.findall(r'scope="colgroup" role="columnheader">([^<]+)</th>', board)
    assert headings == [c.title for c in candidates]
    for candidate in candidates:  # each theme row sits under its candidate's heading
        section = board.split(f">{candidate.title}</th>")[1].split('scope="colgroup"')[0]
        for theme_id in candidate.theme_ids:
            assert f'id="board-theme-{theme_id}"' in section
