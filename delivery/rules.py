"""Delivery rules with no I/O: which status changes are allowed and what each needs, and when a
milestone is overdue. Problems come back as codes; schemas.py turns them into readers' words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

PLANNED, IN_PROGRESS, COMPLETED, STALLED, CANCELLED = "planned", "in_progress", "completed", "stalled", "cancelled"
STATUSES = (PLANNED, IN_PROGRESS, COMPLETED, STALLED, CANCELLED)

# Completed can reopen (a defect found at hand-over); cancelled is final, so a cancelled project
# cannot quietly come back without a new decision (a new delivery item).
TRANSITIONS: dict[str, frozenset[str]] = {
    PLANNED: frozenset({IN_PROGRESS, STALLED, CANCELLED}),
    IN_PROGRESS: frozenset({COMPLETED, STALLED, CANCELLED, PLANNED}),
    STALLED: frozenset({IN_PROGRESS, PLANNED, CANCELLED}),
    COMPLETED: frozenset({IN_PROGRESS}),
    CANCELLED: frozenset(),
}

# Problem codes.
NOT_ALLOWED = "not_allowed"
NEEDS_EXPLANATION = "needs_explanation"
NEEDS_FULL_PROGRESS = "needs_full_progress"
NEEDS_REASON = "needs_reason"
FULL_PROGRESS_NOT_COMPLETED = "full_progress_not_completed"

# A cancellation reason must say something: "cancelled" alone is not an explanation.
MIN_REASON_LENGTH = 20


def check_change(current: str, new: str, percent: int, explanation: str) -> list[str]:
    """Problems with moving from `current` to `new` at `percent` complete with this update text.
    No change of status needs nothing; any change needs an update explaining it."""
    problems: list[str] = []
    explanation = explanation.strip()
    if new == current:
        if new == COMPLETED and percent < 100:
            problems.append(NEEDS_FULL_PROGRESS)
        return problems
    if new not in TRANSITIONS.get(current, frozenset()):
        return [NOT_ALLOWED]
    if not explanation:
        problems.append(NEEDS_EXPLANATION)
    if new == COMPLETED and percent < 100:
        problems.append(NEEDS_FULL_PROGRESS)
    if new == CANCELLED and explanation and len(explanation) < MIN_REASON_LENGTH:
        problems.append(NEEDS_REASON)
    return problems


def allowed_next(current: str) -> list[str]:
    """The current status and where it may go, in display order (for the status select)."""
    return [s for s in STATUSES if s == current or s in TRANSITIONS.get(current, frozenset())]


class MilestoneLike(Protocol):
    @property
    def planned_date(self) -> dt.date: ...

    @property
    def actual_date(self) -> dt.date | None: ...


def is_overdue(planned: dt.date, actual: dt.date | None, today: dt.date, item_status: str = IN_PROGRESS) -> bool:
    """Planned date passed and not done. A cancelled project has no deadlines left to miss."""
    return item_status != CANCELLED and actual is None and planned < today


def days_overdue(planned: dt.date, today: dt.date) -> int:
    return max(0, (today - planned).days)


def overdue_milestones(milestones: Iterable[MilestoneLike], today: dt.date,
                       item_status: str = IN_PROGRESS) -> list[MilestoneLike]:
    return [m for m in milestones if is_overdue(m.planned_date, m.actual_date, today, item_status)]


def completed_on_time(status: str, milestones: Iterable[MilestoneLike]) -> bool:
    """A completed project was delivered on time when every milestone was reached on or before its
    planned date."""
    return status == COMPLETED and all(m.actual_date is not None and m.actual_date <= m.planned_date
                                       for m in milestones)


def on_track(status: str, has_overdue: bool) -> bool:
    """For the home summary: planned or in progress with nothing overdue."""
    return status in (PLANNED, IN_PROGRESS) and not has_overdue
