"""Public figures about how concerns are answered (no I/O): per category, the median days to a first
response and to closing, the share closed within the category's target, the share resolved without
escalation, and disputes. A figure computed from fewer than 5 cases is not published (the small-group
rule of server/small_groups.py): a median of two cases describes two people's experience."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable

import msgspec

from concerns import rules
from server.small_groups import THRESHOLD


class CaseFacts(msgspec.Struct, frozen=True):
    """What the figures need of one case."""

    category: str
    neighborhood: str
    status: str
    received_at: dt.datetime
    first_response_at: dt.datetime | None
    closed_at: dt.datetime | None
    resolution_due: dt.datetime
    without_escalation: bool | None
    disputes: int


class CategoryFigures(msgspec.Struct, frozen=True):
    """None means "not published" (fewer than 5 cases behind it)."""

    category: str
    cases: int | None
    median_days_first_response: float | None
    median_days_to_close: float | None
    share_closed_within_target: float | None  # 0..1
    share_resolved_without_escalation: float | None
    disputes: int | None
    cases_fewer_than_5: bool = False


def _median_days(pairs: Iterable[tuple[dt.datetime, dt.datetime | None]]) -> tuple[float | None, int]:
    days = [rules.days_between(start, end) for start, end in pairs if end is not None]
    if len(days) < THRESHOLD:
        return None, len(days)
    return round(statistics.median(days), 1), len(days)


def _share(hits: int, of: int) -> float | None:
    return None if of < THRESHOLD else round(hits / of, 3)


def category_figures(category: str, cases: list[CaseFacts]) -> CategoryFigures:
    n = len(cases)
    if 0 < n < THRESHOLD:
        return CategoryFigures(category, None, None, None, None, None, None, cases_fewer_than_5=True)
    first, _ = _median_days((c.received_at, c.first_response_at) for c in cases)
    closed = [c for c in cases if c.status in rules.CLOSED_STATUSES and c.closed_at is not None]
    to_close, _ = _median_days((c.received_at, c.closed_at) for c in closed)
    in_time = sum(1 for c in closed if rules.within(c.received_at, c.closed_at, c.resolution_due))
    resolved = [c for c in cases if c.status == rules.RESOLVED and c.without_escalation is not None]
    calm = sum(1 for c in resolved if c.without_escalation)
    disputes = sum(c.disputes for c in cases)
    return CategoryFigures(
        category=category, cases=n, median_days_first_response=first, median_days_to_close=to_close,
        share_closed_within_target=_share(in_time, len(closed)),
        share_resolved_without_escalation=_share(calm, len(resolved)),
        # A dispute count is a count of people: below 5 (but not 0) it is not shown.
        disputes=None if 0 < disputes < THRESHOLD else disputes,
    )


def by_category(cases: Iterable[CaseFacts], order: list[str]) -> list[CategoryFigures]:
    grouped: dict[str, list[CaseFacts]] = {key: [] for key in order}
    for case in cases:
        grouped.setdefault(case.category, []).append(case)
    return [category_figures(key, grouped[key]) for key in grouped]
