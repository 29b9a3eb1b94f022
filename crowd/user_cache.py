"""The signed-in participant of a request, kept for a moment between that person's requests.

Loading the participant behind the session cookie was a third of the server's work per vote (an ORM
read on every request). An app keeps each loaded participant for `TTL` seconds; a change to a
Participant row made in this process (through the ORM: profile, access, erasure, sign-out-everywhere)
drops it at flush and again at commit, so in one process the next request always sees the change.
Changes made by another process (a second uvicorn worker, `crowd users`) show within `TTL` seconds
(2 s; an entry lives a random 1-2 s so that people who signed in together are not read again at once).
The cached object is detached and shared between requests: read it, never change it (services load
their own copy to change).
"""

from __future__ import annotations

import random
import threading
import time
import weakref
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

from crowd.models import Participant

TTL = 2.0
_CACHES: weakref.WeakSet[UserCache] = weakref.WeakSet()
_CHANGED = "crowd.changed_participants"


class UserCache:
    def __init__(self, ttl: float = TTL) -> None:
        self.ttl = ttl
        self._entries: dict[int, tuple[float, Participant | None, tuple | None]] = {}
        self._generation = 0
        self._lock = threading.Lock()
        _CACHES.add(self)

    def fresh(self, participant_id: int) -> bool:
        """Whether `get` would answer from the cache (no database read)."""
        entry = self._entries.get(participant_id)
        return entry is not None and entry[0] > time.monotonic()

    def get(
        self,
        participant_id: int,
        load: Callable[[int], Participant | None],
        row: Callable[[int], tuple | None] | None = None,
    ) -> Participant | None:
        """The participant, from the cache while fresh; after TTL, `row(id)` (every column of the row, one
        plain query) tells whether the row changed: unchanged, the cached object is kept another TTL
        (most of a busy server's re-reads: an ORM load costs several times the plain query)."""
        now = time.monotonic()
        entry = self._entries.get(participant_id)
        if entry is not None and entry[0] > now:
            return entry[1]
        generation = self._generation
        # Expiry spread over 0.5-1 x TTL, so people who signed in together are not all read again at once.
        expires = now + self.ttl * random.uniform(0.5, 1.0)
        if entry is not None and row is not None and entry[1] is not None and row(participant_id) == entry[2]:
            user = entry[1]
        else:
            user = load(participant_id)
        with self._lock:
            if generation == self._generation:  # no change landed while it was being read
                self._entries[participant_id] = (expires, user, row_of(user))
        return user

    def forget(self, participant_ids: set[int]) -> None:
        with self._lock:
            self._generation += 1
            for participant_id in participant_ids:
                self._entries.pop(participant_id, None)


COLUMNS = tuple(Participant.__table__.columns)  # type: ignore[attr-defined]  # SQLModel sets __table__ on table classes at runtime; its types do not declare it


def row_of(user: Participant | None) -> tuple | None:
    """The loaded object's column values, in the order `COLUMNS` reads them from the database."""
    return None if user is None else tuple(getattr(user, column.key) for column in COLUMNS)


def _forget_everywhere(participant_ids: set[int]) -> None:
    for cache in list(_CACHES):
        cache.forget(participant_ids)


@event.listens_for(Participant, "after_update")
@event.listens_for(Participant, "after_delete")
def _changed(_mapper, connection, target: Participant) -> None:
    session = Session.object_session(target)
    if session is not None:
        session.info.setdefault(_CHANGED, set()).add(target.id)
    _forget_everywhere({target.id})


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    changed = session.info.pop(_CHANGED, None)
    if changed:
        _forget_everywhere(changed)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_CHANGED, None)
