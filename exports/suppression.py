"""Small-cell suppression that cannot be undone by subtraction (primary + secondary suppression).

Pure: counts in, a `SuppressedTable` out. Nothing here imports crowd; the app passes its one setting,
``Settings.small_cell_threshold`` (default `DEFAULT_THRESHOLD`, 5).

Why secondary suppression: a table of people counts with its row and column totals published lets
anyone recover a hidden cell by subtraction when it is the only hidden cell of its row or column
(``total - shown cells``). So after hiding every small cell (*primary* suppression: 0 < count <
threshold), more cells are hidden (*secondary*, or complementary, suppression) until no hidden cell is
determined by the published figures.

How it is decided. A table with its margins is written as the (rows + 1) x (cols + 1) *augmented*
table (cells, row totals in an extra column, column totals in an extra row, the grand total in the
corner, with signs chosen so every line of it sums to zero). The hidden entries form a bipartite
graph: a node per line, an edge per hidden entry. A hidden entry is determined by the published ones
exactly when its edge is a *bridge* of that graph (on no cycle); an entry on a cycle can move up and
down along the cycle without changing a single published figure. So: hide the small cells and small
totals, then while a bridge is left, hide one more entry that closes a cycle through it (the smallest
non-zero cell of its row or column, cells before totals). Totals that are not published are hidden
entries from the start (they constrain nothing). Zero stays zero and may be shown: a zero tells
nobody anything about a person.

Use::

    table = suppress_table([[12, 3, 9], [7, 8, 6]], threshold=5)
    table.rows()          # [[12, '<5', '<5'], [7, '<5', 6]]  (3 primary; 9 and 8 secondary)
    table.row_totals()    # [24, 21]
    table.col_totals()    # [19, 11, 15]
    table.grand_total()   # 45

    counts = suppress_counts({"Hackney": 12, "Sutton": 3, "Camden": 8}, threshold=5)
    counts.shown()        # {'Hackney': 12, 'Sutton': '<5', 'Camden': '<5'}  (the total is published)
    counts.total()        # 23, or '<5' when fewer than 5 people took part at all

Every hidden entry is shown with one marker (``SUPPRESSED``, "<5"), so a reader cannot tell a small
cell from a complementary one; documents should say that a hidden cell is "fewer than 5, or hidden so
that one that is cannot be worked out". A row or column whose total is small is hidden whole, zeros
included (a shown zero beside hidden counts would tell how every one of those few people answered).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

DEFAULT_THRESHOLD = 5
SUPPRESSED = "<5"

K = TypeVar("K", bound=Hashable)
Entry = tuple[int, int]  # (row, column) in the augmented table


def is_small(count: object, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """Whether ``count`` is a number of people that must not be shown (0 < count < threshold)."""
    return isinstance(count, int | float) and not isinstance(count, bool) and 0 < count < threshold


@dataclass(frozen=True)
class SuppressedTable:
    """A rows x cols table of counts and which of its cells and totals are hidden.

    ``hidden`` and ``primary`` hold (row, col) of interior cells; ``row_total_hidden[r]``,
    ``col_total_hidden[c]`` and ``grand_total_hidden`` say whether a total is hidden (small, not
    published, or hidden to protect a cell).
    """

    counts: tuple[tuple[int, ...], ...]
    threshold: int
    hidden: frozenset[tuple[int, int]]
    primary: frozenset[tuple[int, int]]
    row_total_hidden: tuple[bool, ...]
    col_total_hidden: tuple[bool, ...]
    grand_total_hidden: bool

    @property
    def secondary(self) -> frozenset[tuple[int, int]]:
        return self.hidden - self.primary

    def cell(self, row: int, col: int, marker: object = SUPPRESSED) -> int | object:
        return marker if (row, col) in self.hidden else self.counts[row][col]

    def rows(self, marker: object = SUPPRESSED) -> list[list[int | object]]:
        return [[self.cell(r, c, marker) for c in range(len(line))] for r, line in enumerate(self.counts)]

    def row_totals(self, marker: object = SUPPRESSED) -> list[int | object]:
        return [
            marker if h else sum(line) for line, h in zip(self.counts, self.row_total_hidden, strict=True)
        ]

    def col_totals(self, marker: object = SUPPRESSED) -> list[int | object]:
        sums = [sum(column) for column in zip(*self.counts, strict=True)] if self.counts else []
        return [marker if h else s for s, h in zip(sums, self.col_total_hidden, strict=True)]

    def grand_total(self, marker: object = SUPPRESSED) -> int | object:
        return marker if self.grand_total_hidden else sum(map(sum, self.counts))


def suppress_table(
    counts: Sequence[Sequence[int]],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    row_totals_published: bool = True,
    col_totals_published: bool = True,
    public_col_totals: bool = False,
) -> SuppressedTable:
    """Hide the small cells of ``counts`` (rows x cols people counts) and enough others.

    ``row_totals_published`` / ``col_totals_published``: whether the reader can see (or work out from
    elsewhere, for example another table) the total of each row / column. Say True when unsure: it
    only ever hides more. A total that is itself small is hidden. ``public_col_totals``: the column
    totals are public anyway (printed in another table), so they are never hidden, even when small.
    The result guarantees that no hidden cell or total is determined by the shown cells and totals (see
    the module docstring).
    """
    table = tuple(tuple(int(v) for v in line) for line in counts)
    if any(v < 0 for line in table for v in line):
        raise ValueError("Counts of people cannot be negative")
    n_rows = len(table)
    n_cols = len(table[0]) if table else 0
    if any(len(line) != n_cols for line in table):
        raise ValueError("Every row needs the same number of columns")
    row_sums = [sum(line) for line in table]
    col_sums = [sum(column) for column in zip(*table, strict=True)] if table else []
    grand = sum(row_sums)

    # The augmented table: cells, row totals at column n_cols, column totals at row n_rows, grand total.
    def value(entry: Entry) -> int:
        r, c = entry
        if r < n_rows and c < n_cols:
            return table[r][c]
        if r < n_rows:
            return row_sums[r]
        if c < n_cols:
            return col_sums[c]
        return grand

    hidden: set[Entry] = {
        (r, c) for r in range(n_rows) for c in range(n_cols) if is_small(table[r][c], threshold)
    }
    primary = frozenset(hidden)
    secret = set(hidden)  # what must not be worked out: small cells and small totals
    for r in range(n_rows):
        if is_small(row_sums[r], threshold):
            secret.add((r, n_cols))
        if not row_totals_published or is_small(row_sums[r], threshold):
            hidden.add((r, n_cols))
    for c in range(n_cols):
        if public_col_totals:
            continue
        if is_small(col_sums[c], threshold):
            secret.add((n_rows, c))
        if not col_totals_published or is_small(col_sums[c], threshold):
            hidden.add((n_rows, c))
    # A line of few people is hidden whole, zeros too: "0 disagreed" beside a hidden 2 would say how
    # every one of them voted.
    for r in range(n_rows):
        if is_small(row_sums[r], threshold):
            hidden.update((r, c) for c in range(n_cols))
    for c in range(n_cols):
        if not public_col_totals and is_small(col_sums[c], threshold):
            hidden.update((r, c) for r in range(n_rows))
    if not public_col_totals:
        if is_small(grand, threshold):
            secret.add((n_rows, n_cols))
        if (not row_totals_published and not col_totals_published) or is_small(grand, threshold):
            hidden.add((n_rows, n_cols))

    while True:
        exposed = _bridges(hidden) & secret
        if not exposed:
            break
        hidden.add(_complement(min(exposed), hidden, n_rows, n_cols, value))

    return SuppressedTable(
        counts=table,
        threshold=threshold,
        hidden=frozenset(e for e in hidden if e[0] < n_rows and e[1] < n_cols),
        primary=primary,
        row_total_hidden=tuple((r, n_cols) in hidden for r in range(n_rows)),
        col_total_hidden=tuple((n_rows, c) in hidden for c in range(n_cols)),
        grand_total_hidden=(n_rows, n_cols) in hidden,
    )


@dataclass(frozen=True)
class SuppressedCounts(Generic[K]):
    """One-way counts (people per borough, role, answer...) with their total, suppressed together."""

    keys: tuple[K, ...]
    table: SuppressedTable

    def shown(self, marker: object = SUPPRESSED) -> dict[K, int | object]:
        return dict(zip(self.keys, self.table.rows(marker)[0], strict=True)) if self.keys else {}

    def hidden(self) -> set[K]:
        return {key for i, key in enumerate(self.keys) if (0, i) in self.table.hidden}

    def total(self, marker: object = SUPPRESSED) -> int | object:
        return self.table.row_totals(marker)[0] if self.keys else 0


def suppress_counts(
    counts: Mapping[K, int], threshold: int = DEFAULT_THRESHOLD, *, total_published: bool = True
) -> SuppressedCounts[K]:
    """Hide the small counts of a one-way table and, where the total is shown, enough others that no
    hidden count equals ``total - shown counts``; a total under the threshold is hidden itself."""
    keys = tuple(counts)
    if not keys:
        return SuppressedCounts(keys=(), table=suppress_table([], threshold))
    table = suppress_table(
        [[counts[key] for key in keys]],
        threshold,
        row_totals_published=total_published,
        col_totals_published=False,
    )
    return SuppressedCounts(keys=keys, table=table)


def k_anonymise(
    combinations: Mapping[tuple, int],
    k: int = DEFAULT_THRESHOLD,
    *,
    order: Sequence[int] | None = None,
    marker: object = SUPPRESSED,
) -> dict[tuple, tuple]:
    """Generalise quasi-identifier combinations until each is shared by at least ``k`` people.

    ``combinations`` maps a combination of values (role, borough, organisation type, ...) to the number
    of people who have it. Returns, for each, the combination to publish instead: rare combinations have
    their fields replaced by ``marker`` one at a time, in ``order`` (field positions, the most
    identifying first; default left to right), and are pooled with the others so replaced, until every
    published combination has ``k`` or more people. Combinations with enough people are kept as they
    are. The pool of combinations with every field replaced is grown from the smallest other groups
    until it too has ``k`` people (unless fewer than ``k`` people are there at all).
    """
    if not combinations:
        return {}
    width = len(next(iter(combinations)))
    fields = list(order) if order is not None else list(range(width))
    plan = {combo: tuple(combo) for combo in combinations}
    for field in [*fields, None]:
        sizes: dict[tuple, int] = {}
        for combo, people in combinations.items():
            sizes[plan[combo]] = sizes.get(plan[combo], 0) + people
        rare = [combo for combo in combinations if 0 < sizes[plan[combo]] < k]
        if not rare or field is None:
            break
        for combo in rare:
            generalised = list(plan[combo])
            generalised[field] = marker
            plan[combo] = tuple(generalised)
    # The pool with every field replaced may still be small: pool the smallest other groups into it.
    while True:
        sizes = {}
        for combo, people in combinations.items():
            sizes[plan[combo]] = sizes.get(plan[combo], 0) + people
        pooled = [c for c in sizes if all(c[i] == marker for i in fields)]
        others = [c for c in sizes if c not in pooled]
        if not pooled or sum(sizes[c] for c in pooled) >= k or not others:
            break
        smallest = min(others, key=lambda c: (sizes[c], repr(c)))
        for combo in combinations:
            if plan[combo] == smallest:
                plan[combo] = tuple(marker if i in fields else v for i, v in enumerate(plan[combo]))
    return plan


def _bridges(hidden: set[Entry]) -> set[Entry]:
    """The hidden entries on no cycle of the row/column graph of hidden entries (Tarjan)."""
    graph: dict[tuple[str, int], list[tuple[tuple[str, int], Entry]]] = {}
    for entry in sorted(hidden):
        r, c = entry
        graph.setdefault(("r", r), []).append((("c", c), entry))
        graph.setdefault(("c", c), []).append((("r", r), entry))
    order: dict[tuple[str, int], int] = {}
    low: dict[tuple[str, int], int] = {}
    bridges: set[Entry] = set()
    for root in graph:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack = [(root, None, iter(graph[root]))]
        while stack:
            node, via, edges = stack[-1]
            advanced = False
            for neighbour, entry in edges:
                if entry == via:
                    continue
                if neighbour in order:
                    low[node] = min(low[node], order[neighbour])
                else:
                    order[neighbour] = low[neighbour] = len(order)
                    stack.append((neighbour, entry, iter(graph[neighbour])))
                    advanced = True
                    break
            if advanced:
                continue
            stack.pop()
            if stack:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[node])
                if low[node] > order[parent]:
                    bridges.add(via)
    return bridges


def _complement(bridge: Entry, hidden: set[Entry], n_rows: int, n_cols: int, value) -> Entry:
    """The entry to hide next so that ``bridge`` gets (or comes closer to) a cycle: one joining the two
    sides the bridge cuts apart if there is one, else one touching a side; then interior cells before
    totals, non-zero before zero, smallest first."""
    row, col = bridge
    row_side = _reachable(("r", row), bridge, hidden)
    column_side = _reachable(("c", col), bridge, hidden)
    candidates = [(r, c) for r in range(n_rows + 1) for c in range(n_cols + 1) if (r, c) not in hidden]
    if not candidates:  # cannot happen: with every entry hidden, every line has two or more
        raise RuntimeError("No entry left to hide")

    def cost(entry: Entry) -> tuple:
        r, c = entry
        ends = (("r", r), ("c", c))
        closes = (ends[0] in row_side and ends[1] in column_side) or (
            ends[0] in column_side and ends[1] in row_side
        )
        touches = any(end in row_side or end in column_side for end in ends)
        is_total = r == n_rows or c == n_cols
        v = value(entry)
        return (not closes, not touches, is_total, v == 0, v, entry)

    return min(candidates, key=cost)


def _reachable(start: tuple[str, int], bridge: Entry, hidden: set[Entry]) -> set[tuple[str, int]]:
    """The nodes reachable from ``start`` through hidden entries other than ``bridge``."""
    graph: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for entry in hidden:
        if entry == bridge:
            continue
        r, c = entry
        graph.setdefault(("r", r), []).append(("c", c))
        graph.setdefault(("c", c), []).append(("r", r))
    seen = {start}
    todo = [start]
    while todo:
        for neighbour in graph.get(todo.pop(), []):
            if neighbour not in seen:
                seen.add(neighbour)
                todo.append(neighbour)
    return seen
