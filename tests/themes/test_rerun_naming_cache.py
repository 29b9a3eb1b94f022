"""A moderator re-running themes on an unchanged workshop does not wait for the same phrases to be embedded
again, and gets the same theme names."""

import pytest
from sqlmodel import select

from clustering import MemoryCache
from crowd.models import RunState, RunTheme
from crowd.services.themes import embeddings
from tests.themes.conftest import post_corpus, run_themes

pytestmark = pytest.mark.slow


class Counting:
    """The real model, counting the texts it is asked to embed."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name = inner.name
        self.texts: list[str] = []

    def embed(self, texts, *, progress=None):
        self.texts.extend(texts)
        return self.inner.embed(texts, progress=progress)


def _names(db, run_id: int) -> list[str]:
    with db.read() as session:
        return sorted(t.label for t in session.exec(select(RunTheme).where(RunTheme.run_id == run_id)))


def test_a_rerun_embeds_no_phrase_again_and_names_the_themes_alike(
    db, open_workshop, model, fast_reducer, monkeypatch
):
    monkeypatch.setattr(embeddings, "NAMING_CACHE", MemoryCache(max_items=10_000))
    workshop, sections = open_workshop
    post_corpus(db, workshop, sections)
    counting = Counting(model)

    first = run_themes(db, workshop.id, model=counting, reducer=fast_reducer)
    embedded_first = len(counting.texts)
    second = run_themes(db, workshop.id, model=counting, reducer=fast_reducer)

    assert first.status == second.status == RunState.SUCCEEDED, (first.error, second.error)
    assert embedded_first > 48  # the contributions, then candidate phrases for the names
    assert len(counting.texts) == embedded_first  # the re-run found every vector ready
    assert _names(db, second.id) == _names(db, first.id)
