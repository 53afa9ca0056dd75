"""Figures for the transparency dashboard, per budget cycle and across cycles. Each domain answers
for itself through its service (proposals, ballots and results, delivery): this module only puts
their answers side by side, and each figure counts a list that a page shows."""

from __future__ import annotations

import datetime as dt

from ballots import service as ballots_service
from ballots.results.service import ballots_with_results
from delivery import service as delivery_service
from proposals import service as proposals_service
from server import clock
from transparency.dashboard.schemas import BallotFigure, CycleFigures


async def cycle_figures(cycle_id: int, today: dt.date | None = None) -> CycleFigures | None:
    today = today or clock.today()
    cycle = await proposals_service.get_cycle(cycle_id)
    if cycle is None:
        return None
    statuses = await proposals_service.status_counts(cycle_id, None)
    ids = await ballots_service.cycle_ballot_ids(cycle_id)
    published = set(await ballots_with_results())
    turnouts = await ballots_service.turnouts(ids)
    ballots = [BallotFigure(view.id, view.title, view.state, turnouts[view.id].total, view.id in published)
               for view in await ballots_service.get_ballots(ids)]
    delivery = await delivery_service.cycle_delivery(cycle_id, today)
    return CycleFigures(
        cycle_id=cycle_id, cycle_name=cycle.name, phase=cycle.phase,
        proposals_received=sum(statuses.values()), proposals_feasible=statuses.get("feasible", 0),
        on_ballot=await ballots_service.proposals_on_ballots(cycle_id), ballots=ballots,
        turnout=sum(b.turnout or 0 for b in ballots), turnout_suppressed=sum(1 for b in ballots if b.turnout is None),
        allocated=delivery.allocated, spent=delivery.spent, delivered=delivery.delivered,
        projects_funded=delivery.projects_funded, projects_completed=delivery.projects_completed,
        completed_on_time=delivery.completed_on_time, overdue_items=delivery.overdue_items,
        allocated_by_neighborhood=delivery.allocated_by_neighborhood,
    )


async def all_cycle_figures(today: dt.date | None = None) -> list[CycleFigures]:
    figures = [await cycle_figures(c.id, today) for c in await proposals_service.list_cycles()]
    return [f for f in figures if f is not None]
