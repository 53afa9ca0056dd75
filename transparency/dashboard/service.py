"""Figures for the transparency dashboard, per budget cycle and across cycles. Read-only queries
over proposals, ballots, results and delivery; each figure counts a list that a page shows."""

from __future__ import annotations

import datetime as dt

from ballots import service as ballots_service
from ballots.results.service import ballots_with_results
from ballots.tables import Ballot, BallotCandidate
from delivery.rules import is_overdue
from delivery.tables import DeliveryItem, Milestone
from proposals.service import get_cycle, list_cycles
from proposals.tables import Proposal
from server import clock
from transparency.dashboard.schemas import BallotFigure, CycleFigures


async def cycle_figures(cycle_id: int, today: dt.date | None = None) -> CycleFigures | None:
    today = today or clock.today()
    cycle = await get_cycle(cycle_id)
    if cycle is None:
        return None
    statuses = await Proposal.select(Proposal.status).where(
        (Proposal.cycle == cycle_id) & (Proposal.status != "draft"))
    feasible = sum(1 for r in statuses if r["status"] == "feasible")
    ballot_rows = await Ballot.select(Ballot.id).where(Ballot.cycle == cycle_id).order_by(Ballot.id)
    on_ballot = await BallotCandidate.select(BallotCandidate.proposal).where(
        BallotCandidate.ballot.cycle == cycle_id).distinct()
    published = set(await ballots_with_results())
    ballots: list[BallotFigure] = []
    ids = [row["id"] for row in ballot_rows]
    turnouts = await ballots_service.turnouts(ids)
    for view in await ballots_service.get_ballots(ids):
        ballots.append(BallotFigure(view.id, view.title, view.state, turnouts[view.id].total, view.id in published))
    items = await DeliveryItem.select(
        DeliveryItem.id, DeliveryItem.allocated, DeliveryItem.spent, DeliveryItem.status,
        DeliveryItem.proposal.neighborhood.name.as_alias("neighborhood"),
    ).where(DeliveryItem.proposal.cycle == cycle_id)
    milestones = await Milestone.select(Milestone.item, Milestone.planned_date, Milestone.actual_date).where(
        Milestone.item.proposal.cycle == cycle_id)
    by_item: dict[int, list[dict[str, object]]] = {}
    for m in milestones:
        by_item.setdefault(m["item"], []).append(m)
    completed = [i for i in items if i["status"] == "completed"]
    # On time: every milestone of the project was reached on or before its planned date.
    on_time = [i for i in completed if all(
        m["actual_date"] is not None and m["actual_date"] <= m["planned_date"] for m in by_item.get(i["id"], []))]
    overdue = {i["id"] for i in items for m in by_item.get(i["id"], [])
               if is_overdue(m["planned_date"], m["actual_date"], today, i["status"])}
    by_hood: dict[str, int] = {}
    for i in items:
        by_hood[i["neighborhood"]] = by_hood.get(i["neighborhood"], 0) + i["allocated"]
    return CycleFigures(
        cycle_id=cycle_id, cycle_name=cycle.name, phase=cycle.phase,
        proposals_received=len(statuses), proposals_feasible=feasible, on_ballot=len(on_ballot), ballots=ballots,
        turnout=sum(b.turnout or 0 for b in ballots), turnout_suppressed=sum(1 for b in ballots if b.turnout is None),
        allocated=sum(i["allocated"] for i in items), spent=sum(i["spent"] for i in items),
        delivered=sum(i["allocated"] for i in completed), projects_funded=len(items),
        projects_completed=len(completed), completed_on_time=len(on_time), overdue_items=len(overdue),
        allocated_by_neighborhood=sorted(by_hood.items()),
    )


async def all_cycle_figures(today: dt.date | None = None) -> list[CycleFigures]:
    figures = [await cycle_figures(c.id, today) for c in await list_cycles()]
    return [f for f in figures if f is not None]
