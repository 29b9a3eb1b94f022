"""The sparse participants x statements vote matrix (agree +1, disagree -1, pass 0, unseen absent)."""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from opinions.results import Id


class VoteChoice(enum.IntEnum):
    """Our convention: agree is +1 (Pol.is's database stores agree as -1; its CSV exports use +1)."""

    AGREE = 1
    DISAGREE = -1
    PASS = 0


VoteRow = tuple[Id, Id, int | VoteChoice]


@dataclass(frozen=True)
class VoteMatrix:
    participant_ids: tuple[Id, ...]
    statement_ids: tuple[Id, ...]
    values: sp.csr_matrix
    """float64, +1 / -1 / 0; passes are stored as explicit zeros so the pattern marks what was seen."""

    @property
    def shape(self) -> tuple[int, int]:
        return self.values.shape

    @property
    def n_votes(self) -> int:
        return int(self.values.nnz)

    def seen(self) -> sp.csr_matrix:
        """1 where the participant voted (passes included)."""
        return self._with_data(np.ones(self.values.nnz))

    def agrees(self) -> sp.csr_matrix:
        return self._with_data((self.values.data > 0).astype(np.float64))

    def disagrees(self) -> sp.csr_matrix:
        return self._with_data((self.values.data < 0).astype(np.float64))

    def votes_per_participant(self) -> np.ndarray:
        return np.diff(self.values.indptr)

    def _with_data(self, data: np.ndarray) -> sp.csr_matrix:
        v = self.values
        return sp.csr_matrix((data, v.indices, v.indptr), shape=v.shape)


def _id_key(value: Id) -> tuple[str, Id]:
    return (type(value).__name__, value)


def _plain(value: Id) -> Id:
    """numpy scalars become Python ints / strs so that results serialise to JSON."""
    return value.item() if isinstance(value, np.generic) else value


def _vote_value(vote: object) -> int:
    value = int(vote) if isinstance(vote, int | float | np.integer | np.floating) else None
    if value is None or value != vote or value not in (-1, 0, 1):
        raise ValueError(f"a vote must be 1 (agree), -1 (disagree) or 0 (pass), not {vote!r}")
    return value


def build_vote_matrix(
    *,
    votes: Iterable[VoteRow],
    hidden_statements: Collection[Id] = (),
    hidden_participants: Collection[Id] = (),
) -> VoteMatrix:
    """Build the matrix from (participant, statement, vote) rows; a later row for the same pair wins.

    Hidden statements and participants are left out entirely; statements nobody voted on do not appear.
    """
    hidden_s, hidden_p = set(hidden_statements), set(hidden_participants)
    pids: list[Id] = []
    sids: list[Id] = []
    vals: list[int] = []
    for pid, sid, vote in votes:
        value = _vote_value(vote)
        if sid in hidden_s or pid in hidden_p:
            continue
        pids.append(_plain(pid))
        sids.append(_plain(sid))
        vals.append(value)
    participant_ids = tuple(sorted(set(pids), key=_id_key))
    statement_ids = tuple(sorted(set(sids), key=_id_key))
    p_index = {p: i for i, p in enumerate(participant_ids)}
    s_index = {s: j for j, s in enumerate(statement_ids)}
    rows = np.fromiter((p_index[p] for p in pids), dtype=np.int64, count=len(pids))
    cols = np.fromiter((s_index[s] for s in sids), dtype=np.int64, count=len(sids))
    data = np.asarray(vals, dtype=np.float64)
    n, m = len(participant_ids), len(statement_ids)
    # keep the last vote per (participant, statement): unique over the reversed key order
    keys = rows * max(m, 1) + cols
    _, last = np.unique(keys[::-1], return_index=True)
    keep = len(keys) - 1 - last
    order = np.lexsort((cols[keep], rows[keep]))
    keep = keep[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows[keep], minlength=n), out=indptr[1:])
    values = sp.csr_matrix((data[keep], cols[keep], indptr), shape=(n, m))
    return VoteMatrix(participant_ids=participant_ids, statement_ids=statement_ids, values=values)
