from __future__ import annotations

import datetime as dt

import pytest

from proposals import phases
from proposals.phases import CycleDates

D = dt.date
DATES = CycleDates(D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1), D(2026, 4, 1), D(2026, 5, 1), D(2026, 6, 1),
                   D(2026, 12, 31))


@pytest.mark.parametrize(("day", "phase"), [
    (D(2025, 12, 31), "upcoming"),
    (D(2026, 1, 1), "ideas"),
    (D(2026, 1, 31), "ideas"),
    (D(2026, 2, 1), "deliberation"),
    (D(2026, 2, 28), "deliberation"),
    (D(2026, 3, 1), "review"),
    (D(2026, 3, 31), "review"),
    (D(2026, 4, 1), "voting"),
    (D(2026, 5, 1), "results"),
    (D(2026, 6, 1), "delivery"),
    (D(2026, 12, 31), "delivery"),
    (D(2027, 1, 1), "closed"),
])
def test_phase_on_boundaries(day: dt.date, phase: str) -> None:
    assert phases.current_phase(DATES, day) == phase


def test_last_day_is_the_day_before_the_next_phase() -> None:
    assert phases.last_day(DATES, "ideas") == D(2026, 1, 31)
    assert phases.last_day(DATES, "review") == D(2026, 3, 31)
    assert phases.last_day(DATES, "delivery") == D(2026, 12, 31)


def test_next_phase() -> None:
    assert phases.next_phase("upcoming") == "ideas"
    assert phases.next_phase("ideas") == "deliberation"
    assert phases.next_phase("delivery") == "closed"
    assert phases.next_phase("closed") is None


@pytest.mark.parametrize(("day", "submit", "support", "review"), [
    (D(2025, 12, 31), False, False, False),
    (D(2026, 1, 1), True, True, False),
    (D(2026, 1, 31), True, True, False),
    (D(2026, 2, 1), False, True, True),
    (D(2026, 2, 28), False, True, True),
    (D(2026, 3, 1), False, False, True),
    (D(2026, 3, 31), False, False, True),
    (D(2026, 4, 1), False, False, False),
    (D(2027, 1, 1), False, False, False),
])
def test_what_each_phase_allows(day: dt.date, submit: bool, support: bool, review: bool) -> None:
    phase = phases.current_phase(DATES, day)
    assert phases.can_submit(phase) is submit
    assert phases.can_edit(phase) is submit
    assert phases.can_support(phase) is support
    assert phases.can_review(phase) is review


def test_timeline_marks_current_and_past_steps() -> None:
    steps = phases.timeline(DATES, D(2026, 3, 15))
    assert [s.phase for s in steps] == list(phases.PHASES)
    assert [s.current for s in steps] == [False, False, True, False, False, False]
    assert [s.past for s in steps] == [True, True, False, False, False, False]
    assert steps[0].first_day == D(2026, 1, 1) and steps[0].last_day == D(2026, 1, 31)


def test_date_order_errors() -> None:
    good = {f: getattr(DATES, f) for f in phases.DATE_FIELDS}
    assert phases.date_order_errors(good) == {}
    same_day = {**good, "review_open": good["deliberation_open"]}
    assert phases.date_order_errors(same_day) == {"review_open": "before:deliberation_open"}
    backwards = {**good, "delivery_close": D(2026, 5, 31)}
    assert phases.date_order_errors(backwards) == {"delivery_close": "before:delivery_open"}
    missing = {**good, "review_open": None}
    assert phases.date_order_errors(missing) == {}
