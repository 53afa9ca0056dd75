"""Commitments kept on time as an indicator source: the register's rule, checked by hand."""

from __future__ import annotations

import datetime as dt

from assemblies.measures import kept_on_time

TODAY = dt.date(2026, 11, 30)


def row(status: str, promised: dt.date, done_on: dt.date | None = None, hood: int | None = 1) -> dict:
    return {"status": status, "promised_date": promised, "done_on": done_on, "neighborhood": hood}


def test_kept_on_time_by_month_and_place_against_the_first_promised_date() -> None:
    rows = [
        row("done", dt.date(2026, 9, 10), dt.date(2026, 9, 1)),  # kept on time
        row("done", dt.date(2026, 9, 20), dt.date(2026, 10, 2)),  # kept late (after its date was moved)
        row("dropped", dt.date(2026, 9, 25), hood=2),  # dropped: not kept
        row("open", dt.date(2026, 10, 5), hood=None),  # still open after its date: late, city-wide
        row("in_progress", dt.date(2026, 12, 5)),  # not due yet: left out
        row("done", dt.date(2026, 12, 20), dt.date(2026, 11, 1)),  # done early, but its month has not
    ]
    found = {(m.period, m.neighborhood_id): m.value for m in kept_on_time(rows, TODAY)}
    assert found == {
        ("2026-09", None): 33.3,  # 1 of 3 in the city
        ("2026-09", 1): 50.0,  # 1 of 2 in neighborhood 1
        ("2026-09", 2): 0.0,
        ("2026-10", None): 0.0,  # a city-wide commitment counts once, for the city
        ("2026-12", None): 100.0,
        ("2026-12", 1): 100.0,
    }
    assert kept_on_time([], TODAY) == []
