"""Delivery's indicator source (server/measures.py): the share of completed projects delivered on
time, by the month the last milestone was reached, for the city and each neighborhood. "On time" is
delivery's own rule (`rules.completed_on_time`). Declared in delivery/domain.py."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import NamedTuple

from delivery import rules
from delivery.tables import DeliveryItem, Milestone
from server.measures import Measure, Source
from server.navigation import N_


class _Milestone(NamedTuple):
    planned_date: dt.date
    actual_date: dt.date | None


async def on_time() -> list[Measure]:
    items = await DeliveryItem.select(DeliveryItem.id, DeliveryItem.status,
                                      DeliveryItem.proposal.neighborhood.as_alias("neighborhood"),
                                      DeliveryItem.updated_at).where(DeliveryItem.status == rules.COMPLETED)
    if not items:
        return []
    milestones = await Milestone.select(Milestone.item, Milestone.planned_date, Milestone.actual_date).where(
        Milestone.item.is_in([i["id"] for i in items]))
    by_item: dict[int, list[_Milestone]] = defaultdict(list)
    for m in milestones:
        by_item[m["item"]].append(_Milestone(m["planned_date"], m["actual_date"]))
    tally: dict[tuple[str, int | None], list[int]] = defaultdict(lambda: [0, 0])
    for item in items:
        mine = by_item[item["id"]]
        done = max((m.actual_date for m in mine if m.actual_date is not None), default=None)
        period = (done or item["updated_at"].date()).strftime("%Y-%m")
        kept = rules.completed_on_time(item["status"], mine)
        for place in (None, item["neighborhood"]):
            tally[(period, place)][0] += int(kept)
            tally[(period, place)][1] += 1
    return [Measure(period=period, neighborhood_id=place, value=round(100 * kept / n, 1))
            for (period, place), (kept, n) in sorted(tally.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0))]


SOURCES = {
    "delivery-on-time": Source(
        label=N_("Funded projects delivered on time"), unit="percent", lower_is_better=False, compute=on_time,
        method=N_("Of the funded projects completed in a month, the share whose every milestone was reached on "
                  "or before its planned date."),
    ),
}
