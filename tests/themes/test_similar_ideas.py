"""While a participant types an idea, up to three similar ideas appear that they can vote on instead."""

import pytest
from sqlmodel import select

from crowd.models import Contribution, ContributionStatus
from crowd.services import signals
from crowd.services.themes import embeddings
from tests.themes.conftest import post_corpus

pytestmark = pytest.mark.slow


def test_typing_an_idea_shows_the_three_nearest_ideas_with_vote_buttons(
    db, person, open_workshop, embeddings_on
):
    workshop, sections = open_workshop
    topic_of = post_corpus(db, workshop, sections)
    embeddings.embed_pending(db, model=embeddings_on)  # what the worker does as ideas arrive
    ann = person("ann@example.org")

    response = ann.client.get(
        f"/w/{workshop.slug}/similar",
        params={"text": "I want a break from looking after my elderly mother, I am a carer"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    html = response.text
    assert html.lstrip().startswith('<div id="similar-ideas"') and "Similar ideas already posted" in html
    shown = [cid for cid in topic_of if f'/c/{cid}/vote"' in html]
    assert len(shown) == 3, "three ideas, each with its own vote form"
    assert all(topic_of[cid] == "carers" for cid in shown)
    assert html.count('name="choice" value="agree"') == 3


def test_similar_ideas_leave_out_hidden_ideas_and_short_texts(db, person, open_workshop, embeddings_on):
    workshop, sections = open_workshop
    topic_of = post_corpus(db, workshop, sections)
    embeddings.embed_pending(db, model=embeddings_on)
    carers = [cid for cid, t in topic_of.items() if t == "carers"]
    with db.write() as session:
        for cid in carers:
            c = session.get(Contribution, cid)
            c.status = ContributionStatus.HIDDEN
            session.add(c)
    ann = person("ann@example.org")

    typed = ann.client.get(
        f"/w/{workshop.slug}/similar", params={"text": "Respite care for unpaid family carers"}
    )
    short = ann.client.get(f"/w/{workshop.slug}/similar", params={"text": "carer"})

    assert not any(f"/c/{cid}/vote" in typed.text for cid in carers)
    assert "Similar ideas" not in short.text


def test_posting_an_idea_is_never_blocked_and_wakes_the_worker(db, person, open_workshop, embeddings_on):
    workshop, sections = open_workshop
    post_corpus(
        db, workshop, sections, {"gp": ["I can never get a GP appointment, the phone line is engaged."]}
    )
    ann = person("ann@example.org")
    signals.CONTRIBUTION_POSTED.clear()

    posted = ann.post(
        f"/w/{workshop.slug}/ideas",
        {
            "text": "I can never get a GP appointment, the phone line is always engaged.",
            "section_id": sections[0].id,
        },
        follow_redirects=False,
    )

    assert posted.status_code == 303
    assert signals.CONTRIBUTION_POSTED.is_set(), "the worker is woken as soon as the idea is committed"
    with db.read() as session:
        assert len(session.exec(select(Contribution)).all()) == 2


def test_single_process_app_embeds_a_new_idea_in_its_background_worker(db, settings, open_workshop, model):
    """Development set-up: the app's lifespan starts the worker thread; a posted idea gets its vector."""
    import dataclasses
    import time

    from starlette.testclient import TestClient

    from crowd.app import create_app
    from crowd.models import ContributionEmbedding
    from tests.themes.conftest import post_ideas

    workshop, sections = open_workshop
    development = dataclasses.replace(settings, environment="development", embeddings_enabled=True)
    with TestClient(create_app(development, migrate=False)) as client:
        assert client.get("/healthz").status_code == 200
        (cid,) = post_ideas(
            db, workshop, sections[0], ["Respite care for unpaid carers is impossible to arrange."]
        )
        deadline = time.monotonic() + 60
        stored = None
        while stored is None and time.monotonic() < deadline:
            with db.read() as session:
                stored = session.exec(
                    select(ContributionEmbedding).where(ContributionEmbedding.contribution_id == cid)
                ).first()
            time.sleep(0.2)
    assert stored is not None and stored.model_name == model.name
