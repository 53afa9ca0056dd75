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
