"""A ballot's voting days lie inside its budget cycle's voting phase: from the day voting opens
until the day before results open, on the city's calendar. Pure: callers pass the days, so the same
rule decides a new ballot, an edited or extended one (ballots/service.py) and a cycle's new dates
(ballots/cycle_dates.py), and its boundaries are tested directly."""

from __future__ import annotations

import datetime as dt


def fields_outside(first_day: dt.date, last_day: dt.date, voting_open: dt.date,
                   results_open: dt.date) -> tuple[str, ...]:
    """The ballot fields ("opens_at", "closes_at") whose day falls outside the voting phase, in
    form order; empty when the ballot fits."""
    def outside(day: dt.date) -> bool:
        return not voting_open <= day < results_open

    return tuple(name for name, day in (("opens_at", first_day), ("closes_at", last_day)) if outside(day))
