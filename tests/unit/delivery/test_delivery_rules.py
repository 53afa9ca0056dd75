"""Status transitions and overdue milestones: pure rules, checked with fixed dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from delivery import rules

TODAY = dt.date(2026, 6, 15)


@pytest.mark.parametrize(("current", "new"), [
    ("planned", "in_progress"), ("in_progress", "stalled"), ("stalled", "in_progress"),
    ("in_progress", "cancelled"), ("completed", "in_progress"),
])
def test_allowed_changes_with_an_explanation_pass(current: str, new: str) -> None:
    assert rules.check_change(current, new, 50, "A full explanation of what happened and why.") == []


def test_any_status_change_needs_an_explanation() -> None:
    assert rules.check_change("planned", "in_progress", 10, "  ") == [rules.NEEDS_EXPLANATION]


def test_no_status_change_needs_no_explanation() -> None:
    assert rules.check_change("in_progress", "in_progress", 60, "") == []


def test_completed_requires_full_progress() -> None:
    assert rules.check_change("in_progress", "completed", 99, "All done.") == [rules.NEEDS_FULL_PROGRESS]
    assert rules.check_change("in_progress", "completed", 100, "All done.") == []
    assert rules.check_change("completed", "completed", 90, "") == [rules.NEEDS_FULL_PROGRESS]


def test_cancelled_needs_a_real_reason() -> None:
    assert rules.check_change("planned", "cancelled", 0, "") == [rules.NEEDS_EXPLANATION]
    assert rules.check_change("planned", "cancelled", 0, "No.") == [rules.NEEDS_REASON]
    assert rules.check_change("planned", "cancelled", 0, "The site was sold, so the project cannot go ahead.") == []


def test_cancelled_is_final_and_unknown_moves_are_refused() -> None:
    for new in ("planned", "in_progress", "completed", "stalled"):
        assert rules.check_change("cancelled", new, 100, "Reopening after a long explanation.") == [rules.NOT_ALLOWED]
    assert rules.check_change("planned", "completed", 100, "Skipping ahead.") == [rules.NOT_ALLOWED]
    assert rules.check_change("planned", "nonsense", 0, "x") == [rules.NOT_ALLOWED]


def test_allowed_next_starts_with_current_options() -> None:
    assert rules.allowed_next("cancelled") == ["cancelled"]
    assert set(rules.allowed_next("planned")) == {"planned", "in_progress", "stalled", "cancelled"}


@dataclass
class M:
    planned_date: dt.date
    actual_date: dt.date | None


def test_overdue_means_planned_date_passed_and_not_done() -> None:
    late = M(dt.date(2026, 6, 14), None)
    due_today = M(TODAY, None)
    done_late = M(dt.date(2026, 5, 1), dt.date(2026, 6, 1))
    future = M(dt.date(2026, 7, 1), None)
    assert rules.overdue_milestones([late, due_today, done_late, future], TODAY) == [late]
    assert rules.days_overdue(late.planned_date, TODAY) == 1
    assert rules.days_overdue(future.planned_date, TODAY) == 0


def test_cancelled_projects_have_nothing_overdue() -> None:
    assert not rules.is_overdue(dt.date(2026, 1, 1), None, TODAY, "cancelled")
    assert rules.is_overdue(dt.date(2026, 1, 1), None, TODAY, "stalled")


def test_on_track() -> None:
    assert rules.on_track("in_progress", False)
    assert not rules.on_track("in_progress", True)
    assert not rules.on_track("stalled", False)


def test_completed_on_time_means_every_milestone_reached_by_its_date() -> None:
    import datetime as dt
    from types import SimpleNamespace as M

    day = dt.date(2027, 3, 1)
    on_time = [M(planned_date=day, actual_date=day), M(planned_date=day, actual_date=day - dt.timedelta(days=3))]
    late = [*on_time, M(planned_date=day, actual_date=day + dt.timedelta(days=1))]
    assert rules.completed_on_time(rules.COMPLETED, on_time)
    assert rules.completed_on_time(rules.COMPLETED, [])
    assert not rules.completed_on_time(rules.COMPLETED, late)
    assert not rules.completed_on_time(rules.COMPLETED, [M(planned_date=day, actual_date=None)])
    assert not rules.completed_on_time(rules.IN_PROGRESS, on_time)
