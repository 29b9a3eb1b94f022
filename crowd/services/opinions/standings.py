"""Where each statement stands in a run: votes per group, importance marks and extremity.

Written once with the run (``OpinionRun.statements``) from the same votes the analysis read, so the
map can rank consensus and division with a minimum of votes in every group, say "81% of group A
agreed, against 7% of everyone else" from plain counts, and the one-at-a-time view can weigh each
idea by Pol.is's routing priority. Runs stored before this table existed have it empty; readers then
fall back to what the run's result holds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

import opinions
from opinions.repness import GroupVoteCounts, counts_from_votes
from opinions.routing import statement_extremity

VERSION = 1


def table(
    *,
    votes: Sequence[tuple[int, int, int]],
    important: Mapping[int, int],
    result: opinions.OpinionResult,
) -> dict:
    """The JSON table stored with a run: per statement (in the run's statement order) the agree /
    disagree / seen counts of each group and of everyone counted, the importance marks, the extremity."""
    ids = list(result.state.statement_ids) or sorted({int(s) for _, s, _ in votes})
    counts = counts_from_votes(votes=votes, group_of=result.group_of(), statement_ids=ids)
    index = {s: j for j, s in enumerate(ids)}
    cols = np.fromiter((index.get(s, -1) for _, s, _ in votes), dtype=np.intp, count=len(votes))
    values = np.fromiter((v for _, _, v in votes), dtype=np.int8, count=len(votes))
    known = cols >= 0
    cols, values = cols[known], values[known]
    seen = np.bincount(cols, minlength=len(ids))
    agree = np.bincount(cols, weights=values > 0, minlength=len(ids)).astype(int)
    disagree = np.bincount(cols, weights=values < 0, minlength=len(ids)).astype(int)
    center = (agree - disagree) / np.maximum(seen, 1)
    extremity = (
        statement_extremity(components=result.state.components, center=center)
        if result.state.components and len(result.state.statement_ids) == len(ids)
        else np.zeros(len(ids))
    )
    return {
        "version": VERSION,
        "ids": [int(s) for s in ids],
        "group_ids": [int(g) for g in counts.group_ids],
        "na": counts.na.astype(int).tolist(),
        "nd": counts.nd.astype(int).tolist(),
        "ns": counts.ns.astype(int).tolist(),
        "agree": agree.tolist(),
        "disagree": disagree.tolist(),
        "seen": seen.tolist(),
        "important": [int(important.get(int(s), 0)) for s in ids],
        "extremity": [round(float(e), 4) for e in extremity],
    }


@dataclass(frozen=True)
class Standings:
    ids: tuple[int, ...]
    counts: GroupVoteCounts
    """Per group (rows) and statement (columns), over the run's grouped participants."""
    agree: np.ndarray
    disagree: np.ndarray
    seen: np.ndarray
    """Over every participant the run counted, grouped or not."""
    important: np.ndarray
    extremity: np.ndarray

    def position(self) -> dict[int, int]:
        return {s: j for j, s in enumerate(self.ids)}


def read(stored: Mapping | None) -> Standings | None:
    """The table of a stored run, or None for a run stored without one."""
    if not stored or stored.get("version") != VERSION:
        return None
    ids = tuple(int(s) for s in stored["ids"])
    n_groups = len(stored["group_ids"])

    def grid(key: str) -> np.ndarray:
        return np.asarray(stored[key], dtype=np.float64).reshape(n_groups, len(ids))

    return Standings(
        ids=ids,
        counts=GroupVoteCounts(
            group_ids=tuple(int(g) for g in stored["group_ids"]), na=grid("na"), nd=grid("nd"), ns=grid("ns")
        ),
        agree=np.asarray(stored["agree"], dtype=int),
        disagree=np.asarray(stored["disagree"], dtype=int),
        seen=np.asarray(stored["seen"], dtype=int),
        important=np.asarray(stored["important"], dtype=int),
        extremity=np.asarray(stored["extremity"], dtype=np.float64),
    )
