"""Helpers for ballot tests: a budget cycle with feasible proposals and a ballot over them."""

from __future__ import annotations

import datetime as dt

from support import make_account, make_neighborhood

from ballots import service
from ballots.schemas import BallotSettings
from proposals.tables import BudgetCycle, Proposal
from server import clock

NOW = dt.datetime.now(dt.UTC)


async def make_cycle(name: str = "Cycle 2026") -> int:
    today = clock.today()
    rows = await BudgetCycle.insert(BudgetCycle(
        name=name, ideas_open=today - dt.timedelta(days=90), deliberation_open=today - dt.timedelta(days=60),
        review_open=today - dt.timedelta(days=30), voting_open=today - dt.timedelta(days=1),
        results_open=today + dt.timedelta(days=30), delivery_open=today + dt.timedelta(days=40),
        delivery_close=today + dt.timedelta(days=400),
    )).returning(BudgetCycle.id)
    return rows[0]["id"]


async def make_proposals(cycle_id: int, neighborhood_id: int, author_id: int, costs: list[int],
                         status: str = "feasible", eligible: bool = True) -> list[int]:
    ids = []
    for i, cost in enumerate(costs):
        rows = await Proposal.insert(Proposal(
            cycle=cycle_id, neighborhood=neighborhood_id, author=author_id, title=f"Project {i + 1} ({cost})",
            summary=f"Summary {i + 1}", category="lighting", estimated_cost=cost, status=status,
            final_cost=cost, ballot_eligible=eligible,
        )).returning(Proposal.id)
        ids.append(rows[0]["id"])
    return ids


class Setup:
    def __init__(self, ballot_id: int, cycle_id: int, hood: int, proposals: list[int], council_id: int) -> None:
        self.ballot_id = ballot_id
        self.cycle_id = cycle_id
        self.hood = hood
        self.proposals = proposals
        self.council_id = council_id


def settings_for(cycle_id: int, hood: int | None, proposals: list[int], *, opens: dt.datetime | None = None,
                 closes: dt.datetime | None = None, age_min: int | None = None, age_max: int | None = None,
                 max_ranks: int = 3, min_ranks: int = 1, budget: int = 100_000, title: str = "Riverside fund 2026",
                 rule: str = "mes") -> BallotSettings:
    return BallotSettings(
        cycle_id=cycle_id, neighborhood_id=hood, title=title, explanation="Rank up to three projects.",
        budget=budget, max_ranks=max_ranks, min_ranks=min_ranks, age_min=age_min, age_max=age_max,
        opens_at=opens or NOW - dt.timedelta(days=1), closes_at=closes or NOW + dt.timedelta(days=7),
        rule=rule, candidate_ids=proposals,
    )


async def make_ballot(hood_name: str = "Riverside", *, city_wide: bool = False, **kwargs: object) -> Setup:
    hood = await make_neighborhood(hood_name)
    council = await make_account("council", neighborhood_id=hood)
    cycle = await make_cycle()
    proposals = await make_proposals(cycle, hood, council.id, [40_000, 30_000, 25_000, 60_000])
    ballot_id = await service.create_ballot(
        settings_for(cycle, None if city_wide else hood, proposals, **kwargs), council.id  # type: ignore[arg-type]
    )
    return Setup(ballot_id, cycle, hood, proposals, council.id)
