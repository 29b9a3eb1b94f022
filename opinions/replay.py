"""Run Pol.is's method over a conversation's votes: cold (one update) or replayed by vote time.

Pol.is's math worker polls new votes about once a second and runs one warm-started update per batch
(poller.clj, conv_man.clj); the groups in an export are what the last update left. A cold run feeds every
vote to one fresh update, as Pol.is does when it recomputes a conversation from scratch. A replay feeds
votes.csv in poll-sized batches by timestamp, carrying the state (PCA components, base clusters, per-k
group clusterings, the k smoother, in-conv) from batch to batch, with each batch run by the method Pol.is
ran on that date. The worker is taken to restart once a day (Heroku cycles its processes daily) and
after a silence of a day: the group clusterings and the k smoother are dropped, the rest is reloaded,
and the reloaded conversation is updated once before the new batch. The exact restart times cannot be
known from an export.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from opinions.polis import PolisMethod, PolisState, sorted_batch, update
from opinions.results import Id

TimedVote = tuple[float, Id, Id, int]
"""(timestamp in ms, participant, comment, vote)."""

POLL_MS = 1000
DAY_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class ReplayOptions:
    poll_ms: float = POLL_MS
    """Votes within one poll interval form one update."""
    restart_after_ms: float | None = DAY_MS
    """A silence at least this long is taken as a worker restart; None: never restart."""
    restart_every_ms: float | None = DAY_MS
    """Also restart the worker this often (Heroku cycles each process about once a day); None: only
    after silences."""
    dated: bool = True
    """Run each update with the method Pol.is had on its date; False: today's method throughout."""
    seed: int = 0


def _method(options: ReplayOptions, when: float | None) -> PolisMethod:
    return PolisMethod.as_of(when) if options.dated else PolisMethod()


def run_cold(
    votes: Sequence[TimedVote],
    *,
    zeroed: Collection[Id] = (),
    options: ReplayOptions | None = None,
) -> PolisState:
    """One update with every vote, by the method of the last vote's date (or today's without times)."""
    options = options or ReplayOptions()
    when = max((v[0] for v in votes), default=None) if votes and votes[0][0] is not None else None
    state = PolisState()
    return update(
        state,
        sorted_batch(votes),
        zeroed=zeroed,
        method=_method(options, when),
        rng=np.random.default_rng(options.seed),
    )


def batches(votes: Sequence[TimedVote], poll_ms: float) -> list[list[TimedVote]]:
    """Group votes (sorted by time) into consecutive poll windows."""
    ordered = sorted(votes, key=lambda v: v[0])
    out: list[list[TimedVote]] = []
    window_end = None
    for vote in ordered:
        if window_end is None or vote[0] >= window_end:
            out.append([])
            window_end = vote[0] + poll_ms
        out[-1].append(vote)
    return out


def run_replay(
    votes: Sequence[TimedVote],
    *,
    zeroed: Collection[Id] = (),
    options: ReplayOptions | None = None,
) -> tuple[PolisState, int]:
    """Replay the votes batch by batch; returns the final state and the number of updates run."""
    options = options or ReplayOptions()
    rng = np.random.default_rng(options.seed)
    state = PolisState()
    last_time = None
    booted = None
    runs = 0
    for batch in batches(votes, options.poll_ms):
        start = batch[0][0]
        booted = start if booted is None else booted
        silence = (
            options.restart_after_ms is not None
            and last_time is not None
            and start - last_time >= options.restart_after_ms
        )
        cycled = options.restart_every_ms is not None and start - booted >= options.restart_every_ms
        if silence or cycled:
            booted = start
            state = state.restarted()
            update(state, [], zeroed=zeroed, method=_method(options, start), rng=rng)
            runs += 1
        update(state, sorted_batch(batch), zeroed=zeroed, method=_method(options, batch[-1][0]), rng=rng)
        runs += 1
        last_time = batch[-1][0]
    return state, runs
