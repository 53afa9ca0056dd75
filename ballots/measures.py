"""Ballots' indicator source (server/measures.py): participation, from turnout counts only (never a
ballot): people who voted on ballots that closed in a month, for the city, each neighborhood's fund
and each age band. Declared in ballots/domain.py."""

from __future__ import annotations

from collections import Counter

from ballots.eligibility import UNKNOWN_BAND
from ballots.tables import Ballot, TurnoutCount
from server import clock
from server.measures import Measure, Source
from server.navigation import N_


async def participation() -> list[Measure]:
    now = clock.now()
    ballots = {b["id"]: b for b in await Ballot.select(Ballot.id, Ballot.neighborhood, Ballot.closes_at).where(
        Ballot.closes_at <= now)}
    if not ballots:
        return []
    counts = await TurnoutCount.select(TurnoutCount.ballot, TurnoutCount.age_band, TurnoutCount.n).where(
        TurnoutCount.ballot.is_in(list(ballots)))
    total: Counter[tuple[str, int | None, str]] = Counter()
    for row in counts:
        ballot = ballots[row["ballot"]]
        period = clock.to_local(ballot["closes_at"]).strftime("%Y-%m")
        total[(period, None, "")] += row["n"]
        if ballot["neighborhood"] is not None:
            total[(period, ballot["neighborhood"], "")] += row["n"]
        if row["age_band"] != UNKNOWN_BAND:  # code voters of a ballot without an age window give none
            total[(period, None, row["age_band"])] += row["n"]
    return [Measure(period=period, neighborhood_id=hood, value=float(n), people=n,
                    breakdown={"Age": band} if band else {})
            for (period, hood, band), n in sorted(total.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0, kv[0][2]))
            if n]


SOURCES = {
    "participation": Source(
        label=N_("People who voted on participatory budgeting ballots"), unit="count", lower_is_better=False,
        compute=participation, breakdowns=("Age",),
        method=N_("Ballots counted in the month voting closed, from turnout counts (no ballot is read): the whole "
                  "city, each neighborhood's fund and each age band."),
    ),
}
