"""What an indicator's numbers say (no I/O): the comparison a page states in words, whether the
target is met, missed or not yet due, and whether the trend is worsening.

The comparison is with the same period a year earlier (twelve months for monthly values, the
previous year for yearly ones), never across a series break: when the method changed after that
period, the comparison starts at the first value after the break instead. A change is worsening
when it moves the wrong way for the indicator (up when lower is better). A target is missed when
its date has passed and the last value on or before it does not meet it; stated plainly, with the
numbers, whatever the trend."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache

import msgspec

MET = "met"
MISSED = "missed"
NOT_YET = "not_yet"  # the date has not come and the target is not met yet
NO_TARGET = "none"


class Point(msgspec.Struct, frozen=True):
    period: str  # "2026" or "2026-03"
    value: float


class Assessment(msgspec.Struct, frozen=True):
    latest: Point | None
    reference: Point | None  # what the latest value is compared with
    direction: str  # "up", "down", "same", or "" when there is nothing to compare
    worsening: bool
    target_status: str
    target_value: float | None  # the value judged against the target (the last one up to its date)
    broken: bool  # a series break lies inside the compared stretch's history (the page says so)


# Called for every value each time a series is sorted or compared, on every indicator page and the
# dashboard (issue 21); a pure function of a short text, so each answer is kept.
@lru_cache(maxsize=4096)
def period_start(period: str) -> dt.date:
    year, _, month = period.partition("-")
    return dt.date(int(year), int(month or 1), 1)


def period_end(period: str) -> dt.date:
    year, _, month = period.partition("-")
    if not month:
        return dt.date(int(year), 12, 31)
    nxt = dt.date(int(year) + (month == "12"), int(month) % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def year_before(period: str) -> str:
    year, sep, month = period.partition("-")
    return f"{int(year) - 1}{sep}{month}"


def meets(value: float, target: float, lower_is_better: bool) -> bool:
    return value <= target if lower_is_better else value >= target


def assess(points: Sequence[Point], *, lower_is_better: bool, target: float | None = None,
           target_date: dt.date | None = None, breaks: Sequence[str] = (), today: dt.date) -> Assessment:
    """`points` in any order, one per period; `breaks` are the periods a new method starts at."""
    ordered = sorted(points, key=lambda p: period_start(p.period))
    if not ordered:
        return Assessment(None, None, "", False, NO_TARGET if target is None else NOT_YET, None, False)
    latest = ordered[-1]
    start = max((b for b in breaks if period_start(b) <= period_start(latest.period)),
                key=period_start, default=None)
    comparable = [p for p in ordered if start is None or period_start(p.period) >= period_start(start)]
    by_period = {p.period: p for p in comparable}
    reference = by_period.get(year_before(latest.period))
    if reference is None and len(comparable) > 1:
        reference = comparable[0]
    if reference is None or reference is latest:
        reference, direction = None, ""
    elif latest.value > reference.value:
        direction = "up"
    elif latest.value < reference.value:
        direction = "down"
    else:
        direction = "same"
    worsening = direction == ("up" if lower_is_better else "down")
    status, judged = NO_TARGET, None
    if target is not None:
        due = target_date is not None and target_date < today
        upto = [p for p in ordered if target_date is None or period_start(p.period) <= target_date]
        judged_point = upto[-1] if due and upto else latest
        judged = judged_point.value
        status = MET if meets(judged, target, lower_is_better) else MISSED if due else NOT_YET
    return Assessment(latest, reference, direction, worsening, status, judged, start is not None)
