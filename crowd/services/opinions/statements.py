"""Every statement of a stored run, ranked: the paginated "all statements" page behind the map's top tens."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from sqlmodel import Session

import opinions
from crowd.models import OpinionRun
from crowd.services.opinions import standings as standings_table
from crowd.services.opinions.map import ShareView, Statement, share_views, statements_of
from crowd.services.opinions.ranking import Share, rankings
from opinions.consensus import division_strength, group_informed_consensus

PER_PAGE = 20


class StatementSort(StrEnum):
    CONSENSUS = "consensus"
    DIVISION = "division"
    VOTES = "votes"
    IMPORTANT = "important"

    @property
    def label(self) -> str:
        return {
            "consensus": "Agreed by every group first",
            "division": "Splits the groups most first",
            "votes": "Most votes first",
            "important": "Most often marked important first",
        }[self.value]


@dataclass(frozen=True)
class StatementRow:
    statement: Statement
    consensus: float
    spread: float | None
    """Highest minus lowest agree share over the groups with enough votes (None: fewer than two)."""
    votes: int
    agree: int
    important: int
    by_group: list[ShareView]
    agreed_by_all: bool
    splits: bool


@dataclass(frozen=True)
class StatementPage:
    rows: list[StatementRow]
    total: int
    page: int
    pages: int
    sort: StatementSort
    min_votes: int
    available: bool
    """False for a run stored before statement standings were kept (run the analysis again)."""


def parse_sort(raw: str | None) -> StatementSort:
    try:
        return StatementSort(raw or StatementSort.CONSENSUS)
    except ValueError:
        return StatementSort.CONSENSUS


def statement_page(
    session: Session, *, run: OpinionRun, slug: str, sort: StatementSort, page: int, min_votes: int
) -> StatementPage:
    table = standings_table.read(run.statements)
    if table is None or not run.result:
        return StatementPage([], 0, 1, 1, sort, min_votes, available=False)
    result = opinions.result_from_dict(run.result)
    ranks = rankings(run, result, min_votes=min_votes)
    agreed = {r.statement_id for r in ranks.consensus}
    splits = {r.statement_id for r in ranks.divisive}
    counts = table.counts
    gic = group_informed_consensus(counts) if counts.group_ids else np.zeros(len(table.ids))
    enough = counts.ns >= min_votes
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(enough, counts.na / np.maximum(counts.ns, 1), np.nan)
    spread: list[float | None] = []
    strength: list[float] = []
    for j in range(len(table.ids)):
        heard = np.flatnonzero(enough[:, j])
        if len(heard) < 2:
            spread.append(None)
            strength.append(-math.inf)
            continue
        high, low = heard[np.nanargmax(shares[heard, j])], heard[np.nanargmin(shares[heard, j])]
        spread.append(float(shares[high, j] - shares[low, j]))
        strength.append(
            division_strength(counts.na[high, j], counts.ns[high, j], counts.na[low, j], counts.ns[low, j])
        )
    keys = {
        StatementSort.CONSENSUS: lambda j: (-(table.ids[j] in agreed), -gic[j]),
        StatementSort.DIVISION: lambda j: (-(table.ids[j] in splits), -strength[j]),
        StatementSort.VOTES: lambda j: (-table.seen[j], -gic[j]),
        StatementSort.IMPORTANT: lambda j: (-table.important[j], -table.seen[j]),
    }
    order = sorted(range(len(table.ids)), key=keys[sort])
    total = len(order)
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(page, 1), pages)
    chosen = order[(page - 1) * PER_PAGE : page * PER_PAGE]
    statements = statements_of(session, [table.ids[j] for j in chosen], slug)
    rows: list[StatementRow] = []
    for j in chosen:
        sid = table.ids[j]
        by_group = [
            Share(
                group=g, agree=int(counts.na[i, j]), disagree=int(counts.nd[i, j]), seen=int(counts.ns[i, j])
            )
            for i, g in enumerate(counts.group_ids)
        ]
        rows.append(
            StatementRow(
                statement=statements[sid],
                consensus=float(gic[j]),
                spread=spread[j],
                votes=int(table.seen[j]),
                agree=int(table.agree[j]),
                important=int(table.important[j]),
                by_group=share_views(by_group, min_votes=min_votes),
                agreed_by_all=sid in agreed,
                splits=sid in splits,
            )
        )
    return StatementPage(rows, total, page, pages, sort, min_votes, available=True)
