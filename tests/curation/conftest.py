"""Curation fixtures: a workshop with themes found by a real theme run, fast.

The run goes through the real run service (queue, claim, execute, align) with a stand-in embedder that
gives each known topic its own direction (plus a little per-text noise) and PCA instead of UMAP, so a
run takes well under a second and finds the topics every time.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pytest
from sqlmodel import select

from crowd.models import CareRole, Participant, Theme, ThemeStatus, Vote
from crowd.services.themes import runs as theme_runs
from tests.factories import cast_vote, make_participant, make_workshop, post_idea
from tests.themes.corpus import MORE, TOPICS

DIM = 384


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


class TopicEmbedder:
    """Texts of one topic point the same way; unknown texts point somewhere of their own."""

    name = "test-topics"

    def __init__(self) -> None:
        self.topic_of = {t: name for group in (TOPICS, MORE) for name, texts in group.items() for t in texts}
        rng = np.random.default_rng(7)
        self.base = {name: _unit(rng.normal(size=DIM)) for name in TOPICS}

    def embed(self, texts, *, progress=None) -> np.ndarray:
        out = []
        for text in texts:
            seed = int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)
            noise = np.random.default_rng(seed).normal(size=DIM)
            topic = self.topic_of.get(text)
            vector = self.base[topic] + 0.08 * _unit(noise) if topic else _unit(noise)
            out.append(_unit(vector).astype(np.float32))
        if progress:
            progress(len(texts), len(texts))
        return np.stack(out) if out else np.zeros((0, DIM), dtype=np.float32)


def run_now(db, workshop_id: int, actor_id: int | None = None):
    from clustering.reduce import PcaReducer

    with db.write() as session:
        run = theme_runs.start_run(session, workshop_id=workshop_id, actor_id=actor_id)
    assert theme_runs.claim(db, run_id=run.id)
    return theme_runs.execute_run(
        db, run_id=run.id, model=TopicEmbedder(), reducer=PcaReducer(n_components=5)
    )


def make_people(db) -> dict[str, list[Participant]]:
    """Five voters in each group (staff, service users, carers) and an author per group."""
    people: dict[str, list[Participant]] = {}
    for role in (CareRole.STAFF, CareRole.SERVICE_USER, CareRole.CARER):
        people[role.value] = [
            make_participant(
                db,
                f"{role.value}{i}@example.org",
                name=f"{role.label} {i}",
                role=role,
                borough=["Hackney", "Camden", "Lambeth"][i % 3],
            )
            for i in range(6)
        ]
    return people


@dataclass
class Themed:
    workshop: object
    sections: list
    people: dict[str, list[Participant]]
    topic_of: dict[int, str]  # contribution id -> topic
    run: object

    def theme_of(self, db, topic: str) -> Theme:
        """The active theme holding most of the topic's contributions."""
        from crowd.models import MemberRank, ThemeMember

        ids = [cid for cid, t in self.topic_of.items() if t == topic]
        with db.read() as session:
            rows = session.exec(
                select(ThemeMember.theme_id).where(
                    ThemeMember.contribution_id.in_(ids),
                    ThemeMember.rank == MemberRank.PRIMARY,  # type: ignore[union-attr]
                )
            ).all()
            best = max(set(rows), key=rows.count)
            return session.get(Theme, best)

    def active_themes(self, db) -> list[Theme]:
        with db.read() as session:
            return list(
                session.exec(
                    select(Theme).where(
                        Theme.workshop_id == self.workshop.id, Theme.status == ThemeStatus.ACTIVE
                    )
                )
            )


post = post_idea  # the curation tests' name for it
vote = cast_vote


@pytest.fixture
def themed(db) -> Themed:
    """A workshop with four topics of twelve ideas, authored across roles, and a finished theme run."""
    workshop, sections = make_workshop(db)
    people = make_people(db)
    authors = [people["staff"][5], people["service_user"][5], people["carer"][5]]
    topic_of: dict[int, str] = {}
    for i in range(12):
        for name, texts in TOPICS.items():
            cid = post(db, workshop, sections[i % len(sections)], authors[i % 3], texts[i])
            topic_of[cid] = name
    run = run_now(db, workshop.id)
    assert run.status.value == "succeeded", run.message
    return Themed(workshop, sections, people, topic_of, run)


def votes_of(db, contribution_id: int) -> list[Vote]:
    with db.read() as session:
        return list(session.exec(select(Vote).where(Vote.contribution_id == contribution_id)))
