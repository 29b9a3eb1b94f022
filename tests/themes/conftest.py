"""Theme fixtures: the real model once per test session, a corpus posted through the services, and
helpers that queue, claim and execute a run the way the worker does."""

from __future__ import annotations

import dataclasses
import os

import pytest
from sqlmodel import select

from crowd.models import Participant, ThemeRun
from crowd.services.themes import runs as theme_runs
from tests.factories import make_participant, post_idea
from tests.themes.corpus import TOPICS


@pytest.fixture(scope="session")
def model():
    """The real embedding model, loaded once for the whole session into the process-wide singleton."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from crowd.services.themes import embeddings

    return embeddings.MODEL.get()


@pytest.fixture
def embeddings_on(app, model):
    """The app with embeddings enabled (the model is already loaded, so no request waits for it)."""
    app.state.settings = dataclasses.replace(app.state.settings, embeddings_enabled=True)
    return model


@pytest.fixture
def fast_reducer():
    """PCA instead of UMAP: the cheaper route for a corpus of a few dozen texts (no numba compile)."""
    from clustering.reduce import PcaReducer

    return PcaReducer(n_components=5)


def make_author(db, email: str = "writer@example.org") -> Participant:
    return make_participant(db, email, name=email.split("@")[0].title())


def post_ideas(db, workshop, section, texts: list[str], *, email: str = "writer@example.org") -> list[int]:
    """Post each text as an idea through the contributions service; returns their ids."""
    with db.read() as session:
        author = session.exec(select(Participant).where(Participant.email == email)).first()
    author = author or make_author(db, email)
    return [post_idea(db, workshop, section, author, text) for text in texts]


def post_corpus(db, workshop, sections, topics: dict[str, list[str]] = TOPICS) -> dict[int, str]:
    """Every topic's ideas, interleaved as they would arrive; contribution id -> topic."""
    topic_of: dict[int, str] = {}
    longest = max(len(v) for v in topics.values())
    for i in range(longest):
        for name, texts in topics.items():
            if i < len(texts):
                (cid,) = post_ideas(db, workshop, sections[i % len(sections)], [texts[i]])
                topic_of[cid] = name
    return topic_of


def run_themes(db, workshop_id: int, *, model=None, reducer=None, actor_id=None, params=None) -> ThemeRun:
    """Queue a run, claim it and execute it, as the worker would."""
    with db.write() as session:
        run = theme_runs.start_run(session, workshop_id=workshop_id, actor_id=actor_id, params=params)
    assert theme_runs.claim(db, run_id=run.id)
    return theme_runs.execute_run(db, run_id=run.id, model=model, reducer=reducer)
