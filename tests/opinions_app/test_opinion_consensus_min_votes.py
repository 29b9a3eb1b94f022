"""Consensus and division on the map need enough votes in every group (OPINION_MIN_VOTES, 5)."""

from __future__ import annotations

import dataclasses

import numpy as np
from sqlmodel import select

from crowd.models import OpinionRun, Participant, Section, Vote, VoteChoice
from crowd.services.opinions import map as maps
from crowd.services.opinions import ranking
from crowd.services.opinions import runs as opinions
from opinions import result_from_dict
from opinions.consensus import division_strength, ranked_consensus, ranked_divisive
from opinions.repness import GroupVoteCounts
from tests.opinions_app.camps import CONSENSUS_TEXTS, post_statements

THIN = "Every ward should have a quiet room."


def section_of(db, camps) -> int:
    with db.read() as session:
        return session.exec(select(Section.id).where(Section.workshop_id == camps.workshop.id)).first()


def _latest(db, camps) -> OpinionRun:
    with db.read() as session:
        return opinions.latest_finished(session, workshop_id=camps.workshop.id)


def add_thin_statement(db, camps, per_camp: int = 2) -> int:
    """A statement only `per_camp` members of each camp voted on, all agreeing: Pol.is's own test
    passes it (2 agrees out of 2 in every group), the minimum of votes must not."""
    [thin] = post_statements(db, camps.workshop, section_of(db, camps), camps.author_id, [THIN])
    with db.write() as session:
        for members in camps.members.values():
            for pid in members[:per_camp]:
                session.add(Vote(participant_id=pid, contribution_id=thin, choice=VoteChoice.AGREE))
    return thin


def test_a_statement_agreed_by_too_few_in_each_group_is_not_listed_as_consensus(client, db, camps):
    thin = add_thin_statement(db, camps)
    opinions.start_run(db, workshop_id=camps.workshop.id, actor_id=None)
    run = _latest(db, camps)
    result = result_from_dict(run.result)
    assert thin in {c.statement_id for c in result.consensus}  # Pol.is's significance test alone lists it

    ranks = ranking.rankings(run, result, min_votes=5)
    listed = {r.statement_id for r in ranks.consensus}
    assert thin not in listed and set(camps.consensus_ids) <= listed
    for r in ranks.consensus + ranks.closest + ranks.divisive:
        assert all(s.seen >= 5 for s in r.by_group) or r in ranks.divisive
    assert thin in {r.statement_id for r in ranking.rankings(run, result, min_votes=2).consensus}

    html = client.get(f"/w/{camps.workshop.slug}/opinions").text
    consensus = html[html.index('id="consensus"') : html.index('id="divisive"')]
    assert THIN not in consensus and CONSENSUS_TEXTS[0] in consensus
    assert "each group with at least 5 votes on it" in consensus


def test_the_minimum_is_a_setting(app, client, db, camps):
    thin = add_thin_statement(db, camps)
    opinions.start_run(db, workshop_id=camps.workshop.id, actor_id=None)
    app.state.settings = dataclasses.replace(app.state.settings, opinion_min_votes=2)

    html = client.get(f"/w/{camps.workshop.slug}/opinions").text

    consensus = html[html.index('id="opinion-consensus"') : html.index('id="divisive"')]
    assert THIN in consensus and f"/ideas/{thin}" in consensus


def test_no_consensus_statement_ever_has_fewer_than_the_minimum_in_a_group():
    rng = np.random.default_rng(7)
    for _ in range(200):
        groups, statements = int(rng.integers(2, 6)), int(rng.integers(1, 30))
        ns = rng.integers(0, 12, size=(groups, statements)).astype(float)
        na = np.floor(ns * rng.uniform(0.5, 1.0, size=ns.shape))
        nd = ns - na
        counts = GroupVoteCounts(tuple(range(groups)), na, nd, ns)
        min_votes = int(rng.integers(1, 8))
        for c in ranked_consensus(counts=counts, statement_ids=list(range(statements)), min_votes=min_votes):
            assert all(s.seen >= min_votes for s in c.by_group)
        chosen = ranked_consensus(counts=counts, statement_ids=list(range(statements)), min_votes=min_votes)
        values = [c.consensus for c in chosen]
        assert values == sorted(values, reverse=True)  # ranked by group-informed consensus
        split = ranked_divisive(counts=counts, statement_ids=list(range(statements)), min_votes=min_votes)
        strengths = []
        for d in split:
            rows = [s for s in d.by_group if s.seen >= min_votes]
            assert len(rows) >= 2 and d.spread >= 0.25
            high = max(rows, key=lambda s: s.agree / s.seen)
            low = min(rows, key=lambda s: s.agree / s.seen)
            assert abs(d.spread - (high.agree / high.seen - low.agree / low.seen)) < 1e-9
            strengths.append(division_strength(high.agree, high.seen, low.agree, low.seen))
        assert strengths == sorted(strengths, reverse=True)  # surest split first


def test_a_wide_split_on_few_votes_ranks_below_a_sure_split_on_many():
    counts = GroupVoteCounts(
        (0, 1),
        na=np.array([[5.0, 81.0], [0.0, 7.0]]),
        nd=np.array([[0.0, 19.0], [5.0, 93.0]]),
        ns=np.array([[5.0, 100.0], [5.0, 100.0]]),
    )
    split = ranked_divisive(counts=counts, statement_ids=["few", "many"], min_votes=5)
    assert [d.statement_id for d in split] == ["many", "few"]
    assert split[1].spread > split[0].spread  # 5 of 5 against 0 of 5 is wider, but on 10 votes


def test_the_map_shows_the_top_ten_and_the_rest_on_the_all_statements_page(client, db, camps):
    texts = [f"Shared statement number {n} that everyone agrees with." for n in range(14)]
    extra = post_statements(db, camps.workshop, section_of(db, camps), camps.author_id, texts)
    with db.write() as session:
        voters = [pid for members in camps.members.values() for pid in members]
        session.add_all(
            Vote(participant_id=pid, contribution_id=cid, choice=VoteChoice.AGREE)
            for pid in voters
            for cid in extra
        )
    opinions.start_run(db, workshop_id=camps.workshop.id, actor_id=None)

    html = client.get(f"/w/{camps.workshop.slug}/opinions").text
    consensus = html[html.index('id="opinion-consensus"') : html.index('id="divisive"')]
    assert consensus.count('class="crowd-opinion-statement"') == maps.TOP
    assert "16 statements agreed by a clear majority of every group" in html
    assert 'id="opinion-all-statements"' in html

    first = client.get(f"/w/{camps.workshop.slug}/opinions/statements").text
    second = client.get(f"/w/{camps.workshop.slug}/opinions/statements?sort=consensus&page=2").text
    shown = [t for t in texts + list(CONSENSUS_TEXTS) if t in first] + [t for t in texts if t in second]
    assert first.count("Agreed by every group</strong>") == 16 - second.count(
        "Agreed by every group</strong>"
    )
    assert "Page 2 of 2" in first and len(set(shown)) == 16
    by_division = client.get(f"/w/{camps.workshop.slug}/opinions/statements?sort=division").text
    assert by_division.index("Splits the groups</strong>") < by_division.index(
        "Agreed by every group</strong>"
    )
    assert client.get(f"/w/{camps.workshop.slug}/opinions/statements?sort=nonsense&page=x").status_code == 200


def test_importance_marks_reach_the_analysis(client, db, camps):
    with db.write() as session:
        for vote in session.exec(select(Vote).where(Vote.contribution_id == camps.consensus_ids[0])):
            vote.important = True
            session.add(vote)
        marked = len(session.exec(select(Participant.id)).all())
    opinions.start_run(db, workshop_id=camps.workshop.id, actor_id=None)
    run = _latest(db, camps)
    j = run.statements["ids"].index(camps.consensus_ids[0])
    assert run.statements["important"][j] == 24 and marked >= 24

    html = client.get(f"/w/{camps.workshop.slug}/opinions").text
    assert "important to 24" in html
    ordered = client.get(f"/w/{camps.workshop.slug}/opinions/statements?sort=important").text
    assert ordered.index(CONSENSUS_TEXTS[0]) < ordered.index(CONSENSUS_TEXTS[1])


def test_with_too_few_votes_everywhere_the_map_says_so_instead_of_listing(app, client, db, camps):
    opinions.start_run(db, workshop_id=camps.workshop.id, actor_id=None)
    app.state.settings = dataclasses.replace(app.state.settings, opinion_min_votes=9)  # camps have 8 each

    html = client.get(f"/w/{camps.workshop.slug}/opinions").text

    assert (
        "No statement has a clear majority in every group yet, with at least 9 votes in each group." in html
    )
    assert 'id="opinion-consensus"' not in html and 'id="opinion-closest"' not in html
    assert "No statement splits the groups sharply yet." in html
    assert "No statement sets group A apart yet with at least 9 of its votes behind it." in html
    assert "A 8 votes" in client.get(f"/w/{camps.workshop.slug}/opinions/statements").text  # not "100%"


def test_moderators_pin_from_the_all_statements_page_but_never_a_thin_statement(client, db, camps, person):
    from crowd.models import Access
    from crowd.services.declaration import foundations

    thin = add_thin_statement(db, camps)
    with db.write() as session:
        foundation_id = foundations.create_foundation(
            session, actor_id=None, title="Get personal", statement="We must get personal."
        ).id
    run = opinions.start_run(db, workshop_id=camps.workshop.id, actor_id=None)
    moderator = person("mod@example.org", access=Access.MODERATOR)
    url = f"/w/{camps.workshop.slug}/opinions/statements"

    listing = moderator.client.get(url).text
    assert listing.count("Pin as evidence for the foundation") == len(camps.consensus_ids)
    assert "Pin as evidence" not in client.get(url).text  # the public sees no pin forms

    refused = moderator.post(
        f"/w/{camps.workshop.slug}/opinions/pin",
        {"run_id": run.id, "contribution_id": thin, "foundation_id": foundation_id},
    )
    assert refused.status_code == 400 and "Only a statement that every group agrees with" in refused.text
    pinned = moderator.post(
        f"/w/{camps.workshop.slug}/opinions/pin",
        {"run_id": run.id, "contribution_id": camps.consensus_ids[1], "foundation_id": foundation_id},
        follow_redirects=True,
    )
    assert "Pinned: the statement is now a quote" in pinned.text
