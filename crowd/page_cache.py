"""What every visitor of a workshop sees alike, kept for a moment: the workshop and its sections, and the
idea list for each sort order, section and page (bench/requests.py: most of the workshop page's queries).

An entry depends on tables (Workshop, Section, Contribution, Participant for author names, PollAnswer).
A change to one of them committed through the ORM in this process (posting, editing, withdrawing,
moderating, a workshop's settings; flushed objects or ORM UPDATE/DELETE statements) drops every entry that
depends on it at commit, so in one process the next page shows the change. Changes committed by another
process (a second uvicorn worker, the CLI) show within `TTL` seconds, as with the signed-in cache
(crowd/user_cache.py). Vote counts change with every vote: the idea list is cached without trusting its
counts, and the page reads the current counts of the ideas it shows (one small query,
`votes.current_counts`), so a vote shows at once in every process; only the order of "most supported"
may lag a vote by up to `TTL`.

Cached objects are detached and shared between requests: read them, never change them.
"""

from __future__ import annotations

import random
import threading
import time
import weakref
from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from crowd.models import Contribution, Participant, PollAnswer, Section, Workshop

TTL = 2.0
WATCHED = (Workshop, Section, Contribution, Participant, PollAnswer)
_TABLES = {model.__tablename__: model.__name__ for model in WATCHED}
_CACHES: weakref.WeakSet[PageCache] = weakref.WeakSet()
_CHANGED = "crowd.page_cache.changed"


class PageCache:
    """Entries by key, each with the model names it depends on; dropped at TTL or on a change."""

    def __init__(self, ttl: float = TTL, max_entries: int = 2000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: dict[Hashable, tuple[float, frozenset[str], Any]] = {}
        self._generation = 0
        self._lock = threading.Lock()
        _CACHES.add(self)

    def get(self, key: Hashable, depends_on: frozenset[str], load: Callable[[], Any]) -> Any:
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[2]
        generation = self._generation
        value = load()
        expires = now + self.ttl * random.uniform(0.5, 1.0)
        with self._lock:
            if generation == self._generation:  # nothing it depends on changed while it was loading
                if len(self._entries) >= self.max_entries:
                    self._entries.clear()
                self._entries[key] = (expires, depends_on, value)
        return value

    def forget(self, models: set[str]) -> None:
        with self._lock:
            self._generation += 1
            for key in [k for k, (_, deps, _) in self._entries.items() if deps & models]:
                del self._entries[key]

    def clear(self) -> None:
        self.forget(set(_TABLES.values()))


def depends(*models: type) -> frozenset[str]:
    return frozenset(model.__name__ for model in models)


def _mark(session: Session, names: set[str]) -> None:
    if names:
        session.info.setdefault(_CHANGED, set()).update(names)


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context) -> None:
    names = {
        type(obj).__name__
        for obj in (*session.new, *session.dirty, *session.deleted)
        if isinstance(obj, WATCHED)
    }
    _mark(session, names)


@event.listens_for(Session, "do_orm_execute")
def _executed(state) -> None:
    if state.is_update or state.is_delete or state.is_insert:
        table = getattr(state.statement, "table", None)
        name = _TABLES.get(getattr(table, "name", ""))
        if name:
            _mark(state.session, {name})


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    changed = session.info.pop(_CHANGED, None)
    if changed:
        for cache in list(_CACHES):
            cache.forget(changed)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_CHANGED, None)
