"""Helpers for the delivery tests: a feasible proposal and its delivery item."""

from __future__ import annotations

import datetime as dt
import itertools

from support import make_account, make_neighborhood

from ballots.outcomes.service import create_delivery_items
from proposals.tables import BudgetCycle, Proposal

_n = itertools.count(1)


async def make_proposal(title: str | None = None, *, neighborhood_id: int | None = None, cost: int = 10000) -> int:
    today = dt.date.today()
    cycle = await BudgetCycle.insert(BudgetCycle(
        name=f"Cycle {next(_n)}", ideas_open=today, deliberation_open=today, review_open=today, voting_open=today,
        results_open=today, delivery_open=today, delivery_close=today + dt.timedelta(days=365),
    )).returning(BudgetCycle.id)
    hood = neighborhood_id or await make_neighborhood("Riverside")
    author = await make_account("resident", neighborhood_id=hood)
    rows = await Proposal.insert(Proposal(
        cycle=cycle[0]["id"], neighborhood=hood, author=author.id, title=title or f"Project {next(_n)}",
        summary="A safety project", category="lighting", estimated_cost=cost, status="feasible", final_cost=cost,
        ballot_eligible=True,
    )).returning(Proposal.id)
    return rows[0]["id"]


async def make_item(title: str | None = None, *, neighborhood_id: int | None = None, allocated: int = 10000,
                    ballot_id: int | None = 1) -> int:
    proposal = await make_proposal(title, neighborhood_id=neighborhood_id, cost=allocated)
    return (await create_delivery_items(ballot_id, [(proposal, allocated)]))[0]


PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
