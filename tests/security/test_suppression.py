"""exports.suppression: no hidden cell of a published table can be worked out from what is shown.

The check is an attacker's: for every small cell (and small total), the least and greatest value it
could take, given every shown cell and total and only that hidden counts are whole numbers >= 0, found by
linear programming. The cell is safe when the two differ.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from scipy.optimize import linprog

from exports.suppression import SUPPRESSED, suppress_counts, suppress_table


def _range(table, entry):
    """(min, max) an attacker can prove for augmented entry (r, c) of the suppressed table."""
    counts = [list(line) for line in table.counts]
    n_rows, n_cols = len(counts), len(counts[0])
    cells = [(r, c) for r in range(n_rows) for c in range(n_cols) if (r, c) in table.hidden]
    index = {e: i for i, e in enumerate(cells)}
    a_eq, b_eq = [], []
    shown = table.rows(marker=None)
    row_totals, col_totals = table.row_totals(marker=None), table.col_totals(marker=None)
    # a hidden total becomes a variable too
    extra = {}
    for r, total in enumerate(row_totals):
        if total is None:
            extra[("row", r)] = len(cells) + len(extra)
    for c, total in enumerate(col_totals):
        if total is None:
            extra[("col", c)] = len(cells) + len(extra)
    n = len(cells) + len(extra)
    for r in range(n_rows):
        line = np.zeros(n)
        known = 0
        for c in range(n_cols):
            if (r, c) in index:
                line[index[(r, c)]] += 1
            else:
                known += shown[r][c]
        if row_totals[r] is None:
            line[extra[("row", r)]] -= 1
            a_eq.append(line)
            b_eq.append(-known)
        else:
            a_eq.append(line)
            b_eq.append(row_totals[r] - known)
    for c in range(n_cols):
        line = np.zeros(n)
        known = 0
        for r in range(n_rows):
            if (r, c) in index:
                line[index[(r, c)]] += 1
            else:
                known += shown[r][c]
        if col_totals[c] is None:
            line[extra[("col", c)]] -= 1
            a_eq.append(line)
            b_eq.append(-known)
        else:
            a_eq.append(line)
            b_eq.append(col_totals[c] - known)
    grand = table.grand_total(marker=None)
    if grand is not None:
        line = np.zeros(n)
        known = 0
        for r in range(n_rows):
            for c in range(n_cols):
                if (r, c) in index:
                    line[index[(r, c)]] += 1
                else:
                    known += shown[r][c]
        a_eq.append(line)
        b_eq.append(grand - known)
    if entry[0] < n_rows and entry[1] < n_cols:
        target = index[entry]
    elif entry[1] == n_cols:
        target = extra[("row", entry[0])]
    else:
        target = extra[("col", entry[1])]
    objective = np.zeros(n)
    objective[target] = 1
    bounds = [(0, None)] * n
    low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    assert low.status == 0 and high.status in (0, 3)
    return low.fun, (float("inf") if high.status == 3 else -high.fun)


def test_a_lone_small_cell_gets_a_complement_in_its_row_and_column():
    table = suppress_table([[12, 3, 9], [7, 8, 6]], threshold=5)
    assert table.primary == {(0, 1)}
    assert len(table.hidden) >= 4  # one small cell needs a rectangle of hidden cells
    for r in range(2):
        assert sum(1 for c in range(3) if (r, c) in table.hidden) != 1
    for c in range(3):
        assert sum(1 for r in range(2) if (r, c) in table.hidden) != 1
    assert table.row_totals() == [24, 21] and table.grand_total() == 45
    low, high = _range(table, (0, 1))
    assert low < high


@pytest.mark.parametrize("seed", range(60))
def test_no_small_cell_of_a_random_table_can_be_recovered_by_subtraction(seed):
    rng = random.Random(seed)
    n_rows, n_cols = rng.randint(2, 7), rng.randint(2, 4)
    counts = [[rng.choice([0, 1, 2, 3, 4, 5, 6, 9, 14, 30]) for _ in range(n_cols)] for _ in range(n_rows)]
    table = suppress_table(counts, threshold=5)
    assert {(r, c) for r in range(n_rows) for c in range(n_cols) if 0 < counts[r][c] < 5} <= table.hidden
    for entry in table.primary:
        low, high = _range(table, entry)
        assert low < high, (counts, entry, table.rows())
    for r, hidden in enumerate(table.row_total_hidden):
        if 0 < sum(counts[r]) < 5:
            assert hidden
            low, high = _range(table, (r, n_cols))
            assert low < high


def test_one_way_counts_hide_a_second_count_when_the_total_is_shown():
    counts = suppress_counts({"Hackney": 12, "Sutton": 3, "Camden": 8, "Brent": 0})
    assert counts.shown() == {"Hackney": 12, "Sutton": SUPPRESSED, "Camden": SUPPRESSED, "Brent": 0}
    assert counts.total() == 23
    assert counts.total() == 23
    assert counts.hidden() == {"Sutton", "Camden"}


def test_a_total_under_the_threshold_is_hidden_with_its_cells_zeros_too():
    counts = suppress_counts({"Staff": 2, "Carer": 0})
    assert counts.total() == SUPPRESSED
    assert counts.shown() == {"Staff": SUPPRESSED, "Carer": SUPPRESSED}
    table = suppress_table([[2, 0, 0], [10, 6, 7]], public_col_totals=True)
    assert table.rows()[0] == [SUPPRESSED] * 3 and table.row_totals()[0] == SUPPRESSED


def test_nothing_small_means_nothing_hidden():
    table = suppress_table([[10, 20], [30, 0]])
    assert table.hidden == frozenset()
    assert table.rows() == [[10, 20], [30, 0]]
