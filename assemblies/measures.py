"""The assemblies domain's indicator source (server/measures.py): commitments kept on time, by the
month of their first promised date, for the city and each neighborhood. "On time" is the register's
own rule (`rules.outcome`, against the first promised date: a promise kept only after its date was
moved was not kept on time); dropped and late commitments count against it, and commitments whose
date has not come yet are left out. Declared in assemblies/domain.py."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from assemblies import rules
from assemblies.tables import Commitment
from server import clock
from server.measures import Measure, Source
from server.navigation import N_


def kept_on_time(rows: Iterable[Mapping[str, Any]], today: dt.date) -> list[Measure]:
    """Percent of the commitments promised for each month that were done by that date. Pure."""
    tally: dict[tuple[str, int | None], list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        outcome = rules.outcome(row["status"], row["promised_date"], row["done_on"], today)
        if outcome == rules.PENDING:
            continue
        period = row["promised_date"].strftime("%Y-%m")
        for place in {None, row["neighborhood"]}:
            tally[(period, place)][0] += int(outcome == rules.KEPT_ON_TIME)
            tally[(period, place)][1] += 1
    return [Measure(period=period, neighborhood_id=place, value=round(100 * kept / n, 1))
            for (period, place), (kept, n) in sorted(tally.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0))]


async def on_time() -> list[Measure]:
    rows = await Commitment.select(Commitment.status, Commitment.promised_date, Commitment.done_on,
                                   Commitment.neighborhood)
    return kept_on_time(rows, clock.today())


SOURCES = {
    "commitments-on-time": Source(
        label=N_("Commitments kept on time"), unit="percent", lower_is_better=False, compute=on_time,
        method=N_("Of the council's commitments first promised for a month, the share done by that first "
                  "promised date. Dropped commitments and those still open after it count as not kept; a "
                  "revised date does not change this."),
    ),
}
