"""Concerns' indicator sources (server/measures.py), as indicators/ ARCHITECTURE asks of this
domain: median days to a first response and to resolution, the share resolved within the category's
target and without escalation, and disputes, by month, for the city and each neighborhood. Each value
is about residents' reports, so `people` carries how many cases it counts and the indicators domain
hides values about fewer than 5. Declared in concerns/domain.py."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable

from concerns import rules
from concerns.tables import Concern, ConcernEvent
from server.measures import Measure, Source
from server.navigation import N_

Group = tuple[str, int | None]


def _month(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m")


def grouped(rows: Iterable[dict], when: Callable[[dict], dt.datetime | None]) -> dict[Group, list[dict]]:
    """Rows by (month of `when`, neighborhood), each also counted for the whole city (None). Pure."""
    out: dict[Group, list[dict]] = defaultdict(list)
    for row in rows:
        moment = when(row)
        if moment is None:
            continue
        for place in (None, row["neighborhood"]):
            out[(_month(moment), place)].append(row)
    return out


def _measures(groups: dict[Group, list[dict]], value: Callable[[list[dict]], float | None]) -> list[Measure]:
    found = []
    for (period, place), rows in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
        computed = value(rows)
        if computed is not None:
            found.append(Measure(period=period, neighborhood_id=place, value=computed, people=len(rows)))
    return found


async def _cases() -> list[dict]:
    return await Concern.select(Concern.neighborhood, Concern.status, Concern.received_at, Concern.first_response_at,
                                Concern.closed_at, Concern.resolution_due, Concern.without_escalation)


def _median_days(rows: list[dict], end: str) -> float:
    return round(statistics.median(rules.days_between(r["received_at"], r[end]) for r in rows), 1)


async def first_response_days() -> list[Measure]:
    rows = [r for r in await _cases() if r["first_response_at"] is not None]
    return _measures(grouped(rows, lambda r: r["first_response_at"]), lambda g: _median_days(g, "first_response_at"))


def _resolved(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r["status"] == rules.RESOLVED and r["closed_at"] is not None]


async def resolution_days() -> list[Measure]:
    rows = _resolved(await _cases())
    return _measures(grouped(rows, lambda r: r["closed_at"]), lambda g: _median_days(g, "closed_at"))


async def within_target() -> list[Measure]:
    rows = _resolved(await _cases())
    return _measures(grouped(rows, lambda r: r["closed_at"]), lambda g: round(100 * sum(
        rules.within(r["received_at"], r["closed_at"], r["resolution_due"]) for r in g) / len(g), 1))


async def without_escalation() -> list[Measure]:
    rows = [r for r in _resolved(await _cases()) if r["without_escalation"] is not None]
    return _measures(grouped(rows, lambda r: r["closed_at"]),
                     lambda g: round(100 * sum(bool(r["without_escalation"]) for r in g) / len(g), 1))


async def disputes() -> list[Measure]:
    rows = await ConcernEvent.select(ConcernEvent.created_at,
                                     ConcernEvent.concern.neighborhood.as_alias("neighborhood")).where(
        ConcernEvent.kind == "dispute")
    return _measures(grouped(rows, lambda r: r["created_at"]), lambda g: float(len(g)))


SOURCES = {
    "concerns-first-response-days": Source(
        label=N_("Days to a first response to a concern"), unit="days", lower_is_better=True,
        compute=first_response_days,
        method=N_("Median days from a concern's submission to the first official response, by the month of "
                  "the response.")),
    "concerns-resolution-days": Source(
        label=N_("Days to resolve a concern"), unit="days", lower_is_better=True, compute=resolution_days,
        method=N_("Median days from a concern's submission to its resolution, by the month it was resolved.")),
    "concerns-within-target": Source(
        label=N_("Concerns resolved within target"), unit="percent", lower_is_better=False, compute=within_target,
        method=N_("Of the concerns resolved in a month, the share resolved within their category's target "
                  "days.")),
    "concerns-without-escalation": Source(
        label=N_("Concerns resolved without escalation"), unit="percent", lower_is_better=False,
        compute=without_escalation,
        method=N_("Of the concerns resolved in a month, the share resolved without escalation (mediation, a "
                  "service referral, a repair or a patrol rather than enforcement).")),
    "concerns-disputes": Source(
        label=N_("Resolutions disputed by residents"), unit="count", lower_is_better=True, compute=disputes,
        method=N_("How many times in a month a resident said a concern closed as resolved was not.")),
}
