"""The one small-group rule (server/small_groups.py), one-way and two-way, with groups of 1 to 6
people, checked against an attacker who knows the published margins and tries every table that
fits them."""

from __future__ import annotations

import itertools
import random

import pytest

from server.small_groups import THRESHOLD, shown_total, suppress, suppress_table


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 6])
def test_a_group_of_each_size_beside_large_ones(size: int) -> None:
    cells = {c.key: c for c in suppress({"a": size, "b": 40, "c": 25}, ["a", "b", "c"])}
    if size < THRESHOLD:
        assert cells["a"].count is None and cells["a"].fewer_than_threshold
        # The total is shown, so the smallest other group is hidden too.
        assert cells["c"].count is None and not cells["c"].fewer_than_threshold
        assert cells["b"].count == 40
    else:
        assert [c.count for c in cells.values()] == [size, 40, 25]


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 6])
def test_a_total_of_each_size(size: int) -> None:
    assert shown_total(size) == (None if size < THRESHOLD else size)


def _solutions(table, counts, rows, columns):
    """Every table of non-negative cells that fits what was published (shown cells and margins)."""
    hidden = [(r, c) for r in rows for c in columns if table.cells[r][c] is None]
    bound = max(counts.values(), default=0) + THRESHOLD
    for guess in itertools.product(range(bound + 1), repeat=len(hidden)):
        full = {(r, c): table.cells[r][c] for r in rows for c in columns}
        full.update(zip(hidden, guess, strict=True))
        if table.total is not None and sum(full.values()) != table.total:
            continue
        if any(t is not None and sum(full[(r, c)] for c in columns) != t for r, t in table.row_totals.items()):
            continue
        if any(t is not None and sum(full[(r, c)] for r in rows) != t for c, t in table.column_totals.items()):
            continue
        yield full


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 6])
def test_two_way_tables_never_reveal_a_small_cell(size: int) -> None:
    rows, columns = ["Riverside", "Hillcrest"], ["yes", "no", "unsure"]
    counts = {("Riverside", "yes"): size, ("Riverside", "no"): 12, ("Riverside", "unsure"): 7,
              ("Hillcrest", "yes"): 9, ("Hillcrest", "no"): 6, ("Hillcrest", "unsure"): 8}
    table = suppress_table(counts, rows, columns)
    small = [(r, c) for (r, c), n in counts.items() if 0 < n < THRESHOLD]
    for key in small:
        assert table.cells[key[0]][key[1]] is None
        # The attacker's best: the set of values the cell can take given everything published.
        possible = {full[key] for full in _solutions(table, counts, rows, columns)}
        assert len(possible) > 1, possible
    if size >= THRESHOLD:
        assert all(v is not None for row in table.cells.values() for v in row.values())


def test_random_two_way_tables_hold_against_the_attacker() -> None:
    rng = random.Random(19)
    for _ in range(30):
        rows, columns = ["r1", "r2"], ["c1", "c2", "c3"]
        counts = {(r, c): rng.choice([0, 1, 2, 3, 4, 5, 6, 9]) for r in rows for c in columns}
        table = suppress_table(counts, rows, columns)
        hidden = sum(1 for r in rows for c in columns if table.cells[r][c] is None)
        if hidden > 4:
            continue  # keep the brute force small; larger hidden sets only widen the attacker's choice
        for (r, c), n in counts.items():
            if 0 < n < THRESHOLD:
                assert len({full[(r, c)] for full in _solutions(table, counts, rows, columns)}) > 1


def test_a_row_with_a_small_total_is_hidden_whole() -> None:
    counts = {("a", "x"): 2, ("a", "y"): 0, ("b", "x"): 30, ("b", "y"): 20, ("c", "x"): 10, ("c", "y"): 10}
    table = suppress_table(counts, ["a", "b", "c"], ["x", "y"])
    assert table.row_totals["a"] is None and table.row_totals["c"] is None  # secondary: one hidden total
    assert table.cells["a"] == {"x": None, "y": None}


def test_given_margins_for_multiple_choice() -> None:
    # 10 people in each row, each choosing any number of options: the margins are people, not answers.
    counts = {("a", "x"): 8, ("a", "y"): 3, ("b", "x"): 9, ("b", "y"): 7}
    table = suppress_table(counts, ["a", "b"], ["x", "y"], row_totals={"a": 10, "b": 10},
                           column_totals={"x": 17, "y": 10})
    assert table.cells["a"]["y"] is None
    assert table.total == 20
