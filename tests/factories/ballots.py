"""The ballots domain's factories: a ballot over feasible proposals of a cycle in its voting phase
(whose voting phase covers the ballot's voting days, as the service requires), made through the
services."""

from __future__ import annotations

import datetime as dt

from support import make_account, make_neighborhood

from ballots import service
from ballots.schemas import BallotSettings
from factories.proposals import make_cycle, make_proposals
from proposals import phases
from server import clock

NOW = dt.datetime.now(dt.UTC)


class Setup:
    def __init__(self, ballot_id: int, cycle_id: int, hood: int, proposals: list[int], council_id: int) -> None:
        self.ballot_id = ballot_id
        self.cycle_id = cycle_id
        self.hood = hood
        self.proposals = proposals
        self.council_id = council_id


def window(opens: dt.datetime | None = None, closes: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """A ballot's voting times: open since yesterday and for a week more unless given."""
    return opens or NOW - dt.timedelta(days=1), closes or NOW + dt.timedelta(days=7)


async def make_voting_cycle(name: str = "Cycle 2026", *, opens: dt.datetime | None = None,
                            closes: dt.datetime | None = None, days: int = 30) -> int:
    """A cycle in its voting phase (phases of `days` days, as cities' calendars run) whose voting
    phase also covers a ballot open from `opens` to `closes`, past or future."""
    first, last = window(opens, closes)
    return await make_cycle(phases.VOTING, name=name, days=days,
                            voting_days=(clock.local_date(first), clock.local_date(last)))


def settings_for(cycle_id: int, hood: int | None, proposals: list[int], *, opens: dt.datetime | None = None,
                 closes: dt.datetime | None = None, age_min: int | None = None, age_max: int | None = None,
                 max_ranks: int = 3, min_ranks: int = 1, budget: int = 100_000, title: str = "Riverside fund 2026",
                 rule: str = "mes") -> BallotSettings:
    opens_at, closes_at = window(opens, closes)
    return BallotSettings(
        cycle_id=cycle_id, neighborhood_id=hood, title=title, explanation="Rank up to three projects.",
        budget=budget, max_ranks=max_ranks, min_ranks=min_ranks, age_min=age_min, age_max=age_max,
        opens_at=opens_at, closes_at=closes_at, rule=rule, candidate_ids=proposals,
    )


async def make_ballot(hood_name: str = "Riverside", *, city_wide: bool = False, **kwargs: object) -> Setup:
    hood = await make_neighborhood(hood_name)
    council = await make_account("council", neighborhood_id=hood)
    cycle = await make_voting_cycle(opens=kwargs.get("opens"), closes=kwargs.get("closes"))  # type: ignore[arg-type]
    proposals = await make_proposals(cycle, hood, council.id, [40_000, 30_000, 25_000, 60_000])
    ballot_id = await service.create_ballot(
        settings_for(cycle, None if city_wide else hood, proposals, **kwargs), council.id  # type: ignore[arg-type]
    )
    return Setup(ballot_id, cycle, hood, proposals, council.id)
