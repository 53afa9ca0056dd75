"""Figures for the transparency dashboard, per budget cycle and across cycles. Each domain answers
for itself through its service (proposals, ballots and results, delivery): this module only puts
their answers side by side, and each figure counts a list that a page shows. Every answer comes for
all the cycles at once, so the dashboard runs the same few grouped queries however many cycles
there are."""

from __future__ import annotations

import datetime as dt

from assemblies import service as assemblies_service
from ballots import service as ballots_service
from ballots.results.service import ballots_with_results
from concerns import service as concerns_service
from concerns.figures import CategoryFigures
from concerns.schemas import CategoryView
from delivery import service as delivery_service
from proposals import service as proposals_service
from proposals.schemas import CycleView
from transparency.dashboard.schemas import BallotFigure, CommitmentFigures, CycleFigures


async def cycle_figures(cycle_id: int, today: dt.date | None = None) -> CycleFigures | None:
    cycle = await proposals_service.get_cycle(cycle_id)
    if cycle is None:
        return None
    return (await _figures([cycle], today))[0]


async def all_cycle_figures(today: dt.date | None = None) -> list[CycleFigures]:
    return await _figures(await proposals_service.list_cycles(), today)


async def concern_figures() -> list[tuple[CategoryView, CategoryFigures]]:
    """How fast concerns are answered, per category, as the concerns domain computes and suppresses them."""
    return await concerns_service.category_figures()


async def commitment_figures(today: dt.date | None = None) -> CommitmentFigures:
    counts = await assemblies_service.commitment_counts(today)
    return CommitmentFigures(total=counts.total, kept_on_time=counts.kept_on_time, kept_late=counts.kept_late,
                             late=counts.late, dropped=counts.dropped, overdue=counts.overdue)


async def _figures(cycles: list[CycleView], today: dt.date | None) -> list[CycleFigures]:
    if not cycles:
        return []
    ids = [c.id for c in cycles]
    statuses = await proposals_service.status_counts_by_cycle(ids)
    views = await ballots_service.ballots_of_cycles(ids)
    on_ballot = await ballots_service.proposals_on_ballots(ids)
    published = set(await ballots_with_results())
    turnouts = await ballots_service.turnouts(sorted(b.id for c in ids for b in views[c]))
    ballots = {c: [BallotFigure(b.id, b.title, b.state, turnouts[b.id].total, b.id in published) for b in views[c]]
               for c in ids}
    delivery = await delivery_service.cycle_delivery(ids, today)
    figures = []
    for cycle in cycles:
        counts, cycle_ballots, money = statuses[cycle.id], ballots[cycle.id], delivery[cycle.id]
        figures.append(CycleFigures(
            cycle_id=cycle.id, cycle_name=cycle.name, phase=cycle.phase,
            proposals_received=sum(counts.values()), proposals_feasible=counts.get("feasible", 0),
            on_ballot=on_ballot[cycle.id], ballots=cycle_ballots,
            turnout=sum(b.turnout or 0 for b in cycle_ballots),
            turnout_suppressed=sum(1 for b in cycle_ballots if b.turnout is None),
            allocated=money.allocated, spent=money.spent, delivered=money.delivered,
            projects_funded=money.projects_funded, projects_completed=money.projects_completed,
            completed_on_time=money.completed_on_time, overdue_items=money.overdue_items,
            allocated_by_neighborhood=money.allocated_by_neighborhood,
        ))
    return figures
