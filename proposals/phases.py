"""Which phase of a budget cycle is open on a given day, and what that lets people do. Pure: no
I/O, no clock (callers pass `today`), so the rules are easy to test on their boundaries.

Each phase starts on its date and runs until the day before the next phase starts. Delivery runs
through `delivery_close` inclusive; the day after, the cycle is closed. Before `ideas_open` it is
upcoming.

Who may do what:
- submit or edit a proposal (and save drafts): idea collection only;
- support (or withdraw support): idea collection and deliberation;
- council review decisions: deliberation and review. Council staff can start checking feasibility
  as soon as idea collection ends, which leaves the review phase for the last, contested cases;
  once voting opens, the ballot's list must not change under voters' feet, so review stops.
- follow: any time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

UPCOMING = "upcoming"
IDEAS = "ideas"
DELIBERATION = "deliberation"
REVIEW = "review"
VOTING = "voting"
RESULTS = "results"
DELIVERY = "delivery"
CLOSED = "closed"

# The dated phases in order, with the BudgetCycle column holding each one's start.
PHASES: tuple[str, ...] = (IDEAS, DELIBERATION, REVIEW, VOTING, RESULTS, DELIVERY)
START_FIELDS: dict[str, str] = {
    IDEAS: "ideas_open",
    DELIBERATION: "deliberation_open",
    REVIEW: "review_open",
    VOTING: "voting_open",
    RESULTS: "results_open",
    DELIVERY: "delivery_open",
}
DATE_FIELDS: tuple[str, ...] = (*START_FIELDS.values(), "delivery_close")

SUBMIT_PHASES = frozenset({IDEAS})
EDIT_PHASES = frozenset({IDEAS})
SUPPORT_PHASES = frozenset({IDEAS, DELIBERATION})
REVIEW_PHASES = frozenset({DELIBERATION, REVIEW})


@dataclass(frozen=True)
class CycleDates:
    ideas_open: dt.date
    deliberation_open: dt.date
    review_open: dt.date
    voting_open: dt.date
    results_open: dt.date
    delivery_open: dt.date
    delivery_close: dt.date

    @classmethod
    def from_mapping(cls, row: object) -> CycleDates:
        get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
        return cls(**{name: get(name) for name in DATE_FIELDS})

    def start(self, phase: str) -> dt.date:
        return getattr(self, START_FIELDS[phase])


@dataclass(frozen=True)
class Step:
    phase: str
    first_day: dt.date
    last_day: dt.date
    current: bool
    past: bool


def date_order_errors(dates: dict[str, dt.date | None]) -> dict[str, str]:
    """Field -> code for each date not strictly after the one before it: "before" (with the
    previous field's name in the code, "before:<field>"). Missing dates are skipped here: the
    form reports them as required."""
    errors: dict[str, str] = {}
    previous: tuple[str, dt.date] | None = None
    for name in DATE_FIELDS:
        value = dates.get(name)
        if value is None:
            continue
        if previous is not None and value <= previous[1]:
            errors[name] = f"before:{previous[0]}"
        previous = (name, value)
    return errors


def current_phase(dates: CycleDates, today: dt.date) -> str:
    if today < dates.ideas_open:
        return UPCOMING
    if today > dates.delivery_close:
        return CLOSED
    phase = IDEAS
    for name in PHASES:
        if today >= dates.start(name):
            phase = name
    return phase


def last_day(dates: CycleDates, phase: str) -> dt.date:
    """The last day `phase` is open (inclusive)."""
    index = PHASES.index(phase)
    if index + 1 < len(PHASES):
        return dates.start(PHASES[index + 1]) - dt.timedelta(days=1)
    return dates.delivery_close


def next_phase(phase: str) -> str | None:
    if phase == UPCOMING:
        return IDEAS
    if phase == CLOSED:
        return None
    index = PHASES.index(phase)
    return PHASES[index + 1] if index + 1 < len(PHASES) else CLOSED


def timeline(dates: CycleDates, today: dt.date) -> list[Step]:
    now = current_phase(dates, today)
    steps = []
    for phase in PHASES:
        end = last_day(dates, phase)
        steps.append(Step(phase, dates.start(phase), end, current=phase == now, past=today > end))
    return steps


def can_submit(phase: str) -> bool:
    return phase in SUBMIT_PHASES


def can_edit(phase: str) -> bool:
    return phase in EDIT_PHASES


def can_support(phase: str) -> bool:
    return phase in SUPPORT_PHASES


def can_review(phase: str) -> bool:
    return phase in REVIEW_PHASES
