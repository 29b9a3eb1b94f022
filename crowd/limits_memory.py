"""limits' in-memory rate-limit storage without its timer thread.

`limits.storage.MemoryStorage` expires old counters from a `threading.Timer` that it starts again, 10 ms
later, on the next hit after the last one ended: under steady writes a new thread every few requests.
Starting a thread cost a vote more CPU than the rest of its rate-limit check (bench/requests.py), and
each start hands the GIL to the new thread while the event loop waits. This subclass registers the
`crowd-memory://` scheme and expires the same counters inline, at most once a second, on the thread of
the request that happens to come by; the counting itself is limits' own.
"""

from __future__ import annotations

import time

from limits.storage import MemoryStorage

SWEEP_SECONDS = 1.0


class InlineExpiryMemoryStorage(MemoryStorage):
    STORAGE_SCHEME = ["crowd-memory"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._next_sweep = time.monotonic() + SWEEP_SECONDS

    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 - overrides the name-mangled hook
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + SWEEP_SECONDS
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]  # limits' own expiry step, private: there is no public way to run it
