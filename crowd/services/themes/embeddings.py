"""Contribution vectors: the process-wide model, vectors stored per contribution, similar ideas.

The model is loaded once per process (a lazy singleton behind a lock), never per request. Vectors live in
``ContributionEmbedding`` and are written through clustering's cache protocol, so a theme run finds them
ready and only new or edited texts are embedded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import and_, delete, func, or_
from sqlmodel import Session, col, select

from clustering import CachedEmbedder, Embedder, MemoryCache, nearest
from clustering.textprep import normalise, text_key
from crowd.models import Contribution, ContributionEmbedding, ContributionKind
from crowd.models.themes import pack_vector, unpack_vector
from crowd.services.workshop import contributions as _contributions

EMBED_BATCH = 256
SIMILAR_MIN_CHARS = 12
SIMILAR_MIN_SCORE = 0.3

# ---------------------------------------------------------------- the process-wide model


class _ModelHolder:
    """One embedder per process. ``get(load=False)`` never blocks on loading."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._embedder: Embedder | None = None
        self._loading: threading.Thread | None = None
        self.error: str = ""

    def get(self, *, load: bool = True) -> Embedder | None:
        if self._embedder is not None or not load:
            return self._embedder
        with self._lock:
            if self._embedder is None:
                from clustering.embed import default_embedder

                self._embedder = default_embedder()
        return self._embedder

    def load_in_background(self) -> None:
        """Start loading without waiting (the web app's lifespan); errors are kept in ``error``."""
        if self._embedder is not None or (self._loading and self._loading.is_alive()):
            return

        def load() -> None:
            try:
                self.get()
            except Exception as exc:  # noqa: BLE001 - shown on the runs page, never raised in a request
                self.error = str(exc)

        self._loading = threading.Thread(target=load, name="crowd-model-load", daemon=True)
        self._loading.start()

    def set(self, embedder: Embedder | None) -> None:
        with self._lock:
            self._embedder = embedder


MODEL = _ModelHolder()


def embedder(*, load: bool = True) -> Embedder | None:
    """The process's embedder (loaded on first call unless ``load`` is False)."""
    return MODEL.get(load=load)


# Naming a run's themes embeds up to a few thousand candidate phrases and sentences; a re-run of the same
# workshop meets most of them again. Kept per process, least recently used forgotten (about 1.5 kB each).
NAMING_CACHE = MemoryCache(max_items=50_000)


def for_naming(model: Embedder) -> Embedder:
    """``model`` with the process's cache of phrase and sentence vectors in front of it."""
    return CachedEmbedder(model, NAMING_CACHE)


# ---------------------------------------------------------------- vectors in the database


class ContributionVectors:
    """clustering's ``EmbeddingCache`` protocol over ``ContributionEmbedding``.

    Keys are text hashes. ``get_many`` finds a vector for a text any contribution already has (duplicates
    are embedded once); ``put_many`` stores it for every contribution of this batch with that text.
    """

    def __init__(self, session: Session, contributions: Sequence[Contribution]) -> None:
        self.session = session
        self.by_key: dict[str, list[Contribution]] = {}
        self.stored: set[int] = set()
        for c in contributions:
            self.by_key.setdefault(text_key(c.text), []).append(c)

    def get_many(self, *, model: str, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            rows = self.session.exec(
                select(ContributionEmbedding.text_hash, ContributionEmbedding.vector).where(
                    ContributionEmbedding.model_name == model, col(ContributionEmbedding.text_hash).in_(chunk)
                )
            )
            found.update({key: unpack_vector(blob) for key, blob in rows})
        return found

    def put_many(self, *, model: str, vectors: dict[str, np.ndarray]) -> None:
        for key, vector in vectors.items():
            for contribution in self.by_key.get(key, []):
                store_vector(self.session, contribution=contribution, model=model, key=key, vector=vector)
                self.stored.add(contribution.id)


def store_vector(
    session: Session, *, contribution: Contribution, model: str, key: str, vector: np.ndarray
) -> None:
    session.exec(
        delete(ContributionEmbedding).where(col(ContributionEmbedding.contribution_id) == contribution.id)
    )
    session.add(
        ContributionEmbedding(
            contribution_id=contribution.id,
            workshop_id=contribution.workshop_id,
            model_name=model,
            text_hash=key,
            vector=pack_vector(vector),
        )
    )


def _pending_clause(model: str):
    """Contributions with no vector for ``model``, or edited since their vector was made."""
    return or_(
        col(ContributionEmbedding.id).is_(None),
        ContributionEmbedding.model_name != model,
        col(Contribution.updated_at) > col(ContributionEmbedding.created_at),
    )


def pending(
    session: Session, *, model: str, workshop_id: int | None = None, limit: int | None = None
) -> list[Contribution]:
    """Shown contributions that need a (new) vector, oldest first."""
    statement = (
        select(Contribution)
        .outerjoin(ContributionEmbedding, and_(ContributionEmbedding.contribution_id == Contribution.id))
        .where(_contributions.shown_clause(), _pending_clause(model))
        .order_by(col(Contribution.id))
    )
    if workshop_id is not None:
        statement = statement.where(Contribution.workshop_id == workshop_id)
    if limit:
        statement = statement.limit(limit)
    return list(session.exec(statement))


def count_pending(session: Session, *, model: str, workshop_id: int | None = None) -> int:
    statement = (
        select(func.count())
        .select_from(Contribution)
        .outerjoin(ContributionEmbedding, and_(ContributionEmbedding.contribution_id == Contribution.id))
        .where(_contributions.shown_clause(), _pending_clause(model))
    )
    if workshop_id is not None:
        statement = statement.where(Contribution.workshop_id == workshop_id)
    return session.exec(statement).one()


def embed_contributions(session: Session, *, contributions: Sequence[Contribution], model: Embedder) -> int:
    """Embed and store vectors for ``contributions`` (a text some contribution already has is reused)."""
    if not contributions:
        return 0
    cache = ContributionVectors(session, contributions)
    vectors = CachedEmbedder(model, cache).embed([c.text for c in contributions])
    for contribution, vector in zip(contributions, vectors, strict=True):
        if contribution.id not in cache.stored:  # its text was found in the cache: store it for this one too
            key = text_key(contribution.text)
            store_vector(session, contribution=contribution, model=model.name, key=key, vector=vector)
            cache.stored.add(contribution.id)
    session.flush()
    return len(contributions)


Progress = Callable[[int, int], None]


def embed_pending(
    db, *, model: Embedder, workshop_id: int | None = None, progress: Progress | None = None
) -> list[int]:
    """Embed every shown contribution that needs a vector, in batches of short write transactions.

    Returns the ids embedded. Safe beside another worker: a batch that collides is rolled back and
    the next poll finds what is still missing.
    """
    from sqlalchemy.exc import IntegrityError

    with db.read() as session:
        total = count_pending(session, model=model.name, workshop_id=workshop_id)
    done: list[int] = []
    if progress:
        progress(0, total)
    while True:
        try:
            with db.write() as session:
                batch = pending(session, model=model.name, workshop_id=workshop_id, limit=EMBED_BATCH)
                if not batch:
                    break
                embed_contributions(session, contributions=batch, model=model)
                ids = [c.id for c in batch]
        except IntegrityError:
            continue
        done.extend(ids)
        if progress:
            progress(min(len(done), total), max(total, len(done)))
        if len(batch) < EMBED_BATCH:
            break
    return done


def vectors_of(session: Session, *, contribution_ids: Sequence[int], model: str) -> dict[int, np.ndarray]:
    found: dict[int, np.ndarray] = {}
    ids = list(contribution_ids)
    for start in range(0, len(ids), 900):
        rows = session.exec(
            select(ContributionEmbedding.contribution_id, ContributionEmbedding.vector).where(
                col(ContributionEmbedding.contribution_id).in_(ids[start : start + 900]),
                ContributionEmbedding.model_name == model,
            )
        )
        found.update({cid: unpack_vector(blob) for cid, blob in rows})
    return found


# ---------------------------------------------------------------- similar ideas while typing


@dataclass(frozen=True)
class Similar:
    contribution: Contribution
    score: float


class _IdeaVectors:
    """Per workshop, the stored vectors of its ideas, kept in memory while they do not change.

    A keystroke costs two small queries (a fingerprint and the shown idea ids), not a read of every vector.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cached: dict[tuple[str, int, str], tuple[tuple, np.ndarray, np.ndarray]] = {}

    def get(self, session: Session, *, workshop_id: int, model: str) -> tuple[np.ndarray, np.ndarray]:
        """(contribution ids, matrix) of every idea of the workshop with a vector of ``model``."""
        where = (
            ContributionEmbedding.workshop_id == workshop_id,
            ContributionEmbedding.model_name == model,
            Contribution.kind == ContributionKind.IDEA,
        )
        joined = col(Contribution.id) == ContributionEmbedding.contribution_id
        fingerprint = tuple(
            session.exec(
                select(func.count(), func.max(ContributionEmbedding.id))
                .join(Contribution, joined)
                .where(*where)
            ).one()
        )
        key = (str(session.get_bind().url), workshop_id, model)  # one process may serve several databases
        with self._lock:
            cached = self._cached.get(key)
        if cached is not None and cached[0] == fingerprint:
            return cached[1], cached[2]
        rows = session.exec(
            select(ContributionEmbedding.contribution_id, ContributionEmbedding.vector)
            .join(Contribution, joined)
            .where(*where)
            .order_by(col(ContributionEmbedding.contribution_id))
        ).all()
        ids = np.array([cid for cid, _ in rows], dtype=np.int64)
        matrix = (
            np.stack([unpack_vector(blob) for _, blob in rows]) if rows else np.zeros((0, 384), np.float32)
        )
        with self._lock:
            self._cached[key] = (fingerprint, ids, matrix)
        return ids, matrix


IDEA_VECTORS = _IdeaVectors()


def similar_ideas(
    session: Session, *, workshop_id: int, text: str, model: Embedder | None, k: int = 3
) -> list[Similar]:
    """Up to ``k`` shown ideas of the workshop nearest to ``text`` (cosine over stored vectors)."""
    text = normalise(text)
    if model is None or len(text) < SIMILAR_MIN_CHARS:
        return []
    ids, matrix = IDEA_VECTORS.get(session, workshop_id=workshop_id, model=model.name)
    shown = set(
        session.exec(
            select(Contribution.id).where(
                Contribution.workshop_id == workshop_id,
                Contribution.kind == ContributionKind.IDEA,
                _contributions.shown_clause(),
            )
        )
    )
    rows = np.array([cid in shown for cid in ids.tolist()], dtype=bool)
    if not rows.any():
        return []
    query = model.embed([text])[0]
    visible = ids[rows]
    found = nearest(vector=query, vectors=matrix[rows], ids=[str(i) for i in visible.tolist()], k=k)
    hits = [(int(i), s) for i, s in found if s >= SIMILAR_MIN_SCORE]
    if not hits:
        return []
    by_id = {
        c.id: c
        for c in session.exec(select(Contribution).where(col(Contribution.id).in_([i for i, _ in hits])))
    }
    return [Similar(by_id[i], s) for i, s in hits if i in by_id]
