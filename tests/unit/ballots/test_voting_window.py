"""The ballot's voting days against its cycle's voting phase (issue 20, item 12), on the boundaries."""

from __future__ import annotations

import datetime as dt

from ballots.voting_window import fields_outside

VOTING_OPEN = dt.date(2026, 12, 1)
RESULTS_OPEN = dt.date(2026, 12, 11)  # voting runs through December 10
DAY = dt.timedelta(days=1)


def test_a_ballot_on_the_first_and_last_days_of_voting_fits() -> None:
    assert fields_outside(VOTING_OPEN, RESULTS_OPEN - DAY, VOTING_OPEN, RESULTS_OPEN) == ()
    assert fields_outside(VOTING_OPEN, VOTING_OPEN, VOTING_OPEN, RESULTS_OPEN) == ()


def test_opening_before_voting_names_the_opening_time() -> None:
    assert fields_outside(VOTING_OPEN - DAY, VOTING_OPEN + DAY, VOTING_OPEN, RESULTS_OPEN) == ("opens_at",)


def test_closing_on_the_day_results_open_names_the_closing_time() -> None:
    """"Voting until Dec 10" while the ballot is open until Dec 14 was the reported contradiction."""
    assert fields_outside(VOTING_OPEN, RESULTS_OPEN, VOTING_OPEN, RESULTS_OPEN) == ("closes_at",)
    assert fields_outside(VOTING_OPEN, RESULTS_OPEN + 3 * DAY, VOTING_OPEN, RESULTS_OPEN) == ("closes_at",)


def test_a_ballot_wholly_before_or_after_the_phase_names_both() -> None:
    before = (VOTING_OPEN - 9 * DAY, VOTING_OPEN - 2 * DAY)
    after = (RESULTS_OPEN, RESULTS_OPEN + 5 * DAY)
    assert fields_outside(*before, VOTING_OPEN, RESULTS_OPEN) == ("opens_at", "closes_at")
    assert fields_outside(*after, VOTING_OPEN, RESULTS_OPEN) == ("opens_at", "closes_at")
