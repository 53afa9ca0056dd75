"""Which indicator values about people may be published (no I/O): the one small-group rule
(server/small_groups.py) applied per period to the neighborhood breakdown, to every other breakdown
and, where a source gives both at once, to the two-way table with both margins."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from server.small_groups import THRESHOLD, shown_total, suppress, suppress_table

TOTAL = "{}"
Key = tuple[str, int | None, str]  # period, neighborhood (None: city), breakdown key


def hidden(values: Iterable[tuple[Key, int | None]]) -> set[Key]:
    """The keys whose value must not be shown; `people` None means the value is not about people."""
    people = {key: n for key, n in values if n is not None}
    out: set[Key] = set()
    by_period: dict[str, dict[Key, int]] = defaultdict(dict)
    for key, n in people.items():
        by_period[key[0]][key] = n
    for period, cells in by_period.items():
        total = cells.get((period, None, TOTAL))
        if total is not None and shown_total(total) is None:
            out.update(cells)  # a total of 1 to 4: nothing of that period is shown
            continue
        hoods = sorted({h for (_, h, b) in cells if h is not None and b == TOTAL})
        groups = sorted({b for (_, h, b) in cells if h is None and b != TOTAL})
        if hoods:
            counts = {str(h): cells[(period, h, TOTAL)] for h in hoods}
            out.update((period, h, TOTAL) for h, c in zip(hoods, suppress(counts, [str(h) for h in hoods]),
                                                          strict=True) if c.count is None)
        if groups:
            counts = {g: cells[(period, None, g)] for g in groups}
            out.update((period, None, c.key) for c in suppress(counts, groups) if c.count is None)
        crossed = {k: n for k, n in cells.items() if k[1] is not None and k[2] != TOTAL}
        if crossed:
            rows = sorted({str(k[1]) for k in crossed})
            columns = sorted({k[2] for k in crossed})
            table = suppress_table({(str(k[1]), k[2]): n for k, n in crossed.items()}, rows, columns,
                                   row_totals={r: cells.get((period, int(r), TOTAL), 0) for r in rows},
                                   column_totals={c: cells.get((period, None, c), 0) for c in columns})
            out.update((period, int(r), c) for r in rows for c in columns if table.cells[r][c] is None)
        # A value about 1 to 4 people is never shown, whatever its neighbours.
        out.update(k for k, n in cells.items() if 0 < n < THRESHOLD)
    return out
