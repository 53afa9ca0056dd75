"""Turnout breakdowns that cannot single anyone out (no I/O).

A group (an age band, an origin) with 1 to 4 voters is shown as "fewer than 5". Because the total
is always shown, a single hidden group could be recovered by subtracting the shown groups from the
total; so while only one group is hidden, or the hidden groups add up to fewer than 5 (two hidden
groups summing to 2 would both be 1), the next smallest non-empty group is hidden too (secondary
suppression). The total minus the shown groups then always spreads at least 5 voters over at least
two hidden groups. Empty groups are shown as 0: that reveals no one. While the total itself is
1 to 4 it is hidden, and so is every group, empty ones included (showing which groups are empty
would say which group the few voters are in).

A hidden group is never shown as 0. Pages say "fewer than 5" (or "not shown" for a group hidden
only to protect another); machine formats (results JSON, turnout CSV, the API) all use one
representation, `machine_cell`: `count` null (an empty CSV cell), `suppressed` true, and
`fewer_than_5` true when the group itself has 1 to 4 voters (or the total is hidden)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import msgspec

THRESHOLD = 5


class Cell(msgspec.Struct, frozen=True):
    key: str
    count: int | None  # None: suppressed ("fewer than 5" or hidden to protect another group)
    fewer_than_threshold: bool = False


def suppress(counts: Mapping[str, int], order: Sequence[str], threshold: int = THRESHOLD) -> list[Cell]:
    """Cells for every key in `order` (missing keys count 0), small ones suppressed."""
    values = {key: counts.get(key, 0) for key in order}
    hidden = {key for key, n in values.items() if 0 < n < threshold}
    while hidden and (len(hidden) == 1 or sum(values[k] for k in hidden) < threshold):
        others = sorted((n, order.index(key), key) for key, n in values.items() if n > 0 and key not in hidden)
        if not others:
            break
        hidden.add(others[0][2])
    return [
        Cell(key, None if key in hidden else n, fewer_than_threshold=0 < n < threshold)
        for key, n in values.items()
    ]


def shown_total(total: int, threshold: int = THRESHOLD) -> int | None:
    """The total, or None when 1 to 4 people have voted (then every group is hidden as well)."""
    return None if 0 < total < threshold else total


def machine_cell(count: int | None, fewer_than_threshold: bool) -> dict[str, object]:
    """A group in the machine formats: the same three fields in JSON, CSV and the API."""
    return {"count": count, "suppressed": count is None, "fewer_than_5": count is None and fewer_than_threshold}


class Table(msgspec.Struct, frozen=True):
    """A two-way breakdown (answers by neighborhood, say) with its margins. `cells[row][column]`,
    `row_totals`, `column_totals`: None where suppressed; `small` names the cells (row, column) that
    themselves hold 1 to 4 people, for the machine formats' `fewer_than_5`."""

    rows: list[str]
    columns: list[str]
    cells: dict[str, dict[str, int | None]]
    row_totals: dict[str, int | None]
    column_totals: dict[str, int | None]
    total: int | None
    small: set[tuple[str, str]] = msgspec.field(default_factory=set)


def suppress_table(counts: Mapping[tuple[str, str], int], rows: Sequence[str], columns: Sequence[str],
                   row_totals: Mapping[str, int] | None = None, column_totals: Mapping[str, int] | None = None,
                   threshold: int = THRESHOLD) -> Table:
    """Suppress a two-way table whose margins are published too.

    The margins are one-way breakdowns and get `suppress` (a row whose total is hidden is hidden
    whole). Then every cell of 1 to 4 is hidden, and, line by line, wherever a row or column whose
    total is shown has hidden cells that hold fewer than two non-empty cells or fewer than
    `threshold` people together, its smallest shown non-empty cell is hidden too, until no line
    changes: subtracting the shown cells of any published line from its total then always leaves
    at least `threshold` people spread over at least two hidden cells. Margins default to the sums
    of the cells; pass them when a person may count in several columns (multiple choice), where
    the row total is people, not answers."""
    values = {(r, c): counts.get((r, c), 0) for r in rows for c in columns}
    r_tot = dict(row_totals) if row_totals is not None else {r: sum(values[(r, c)] for c in columns) for r in rows}
    c_tot = dict(column_totals) if column_totals is not None else {
        c: sum(values[(r, c)] for r in rows) for c in columns}
    grand = sum(r_tot.values()) if row_totals is None else sum(r_tot.get(r, 0) for r in rows)
    total = shown_total(grand, threshold)
    row_cells = {cell.key: cell.count for cell in suppress(r_tot, rows, threshold)}
    column_cells = {cell.key: cell.count for cell in suppress(c_tot, columns, threshold)}
    if total is None:
        row_cells = dict.fromkeys(rows)
        column_cells = dict.fromkeys(columns)
    hidden = {key for key, n in values.items() if 0 < n < threshold}
    hidden |= {(r, c) for r in rows for c in columns if row_cells[r] is None or column_cells[c] is None}
    lines = [[(r, c) for c in columns] for r in rows if row_cells[r] is not None]
    lines += [[(r, c) for r in rows] for c in columns if column_cells[c] is not None]
    changed = True
    while changed:
        changed = False
        for line in lines:
            in_line = [key for key in line if key in hidden]
            if not in_line:
                continue
            filled = [key for key in in_line if values[key] > 0]
            if len(filled) >= 2 and sum(values[key] for key in in_line) >= threshold:
                continue
            if not filled and all(values[key] == 0 for key in line):
                continue  # an empty line: its zeros reveal no one
            others = sorted((values[key], line.index(key), key) for key in line
                            if values[key] > 0 and key not in hidden)
            if others:
                hidden.add(others[0][2])
                changed = True
    return Table(
        rows=list(rows), columns=list(columns),
        cells={r: {c: None if (r, c) in hidden else values[(r, c)] for c in columns} for r in rows},
        row_totals=row_cells, column_totals=column_cells, total=total,
        small={key for key, n in values.items() if 0 < n < threshold},
    )
