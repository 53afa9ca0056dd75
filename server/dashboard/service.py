"""Figures for the transparency dashboard, per budget cycle and across cycles. Read-only queries
over proposals, ballots, results and delivery; each figure counts a list that a page shows."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from piccolo.query.functions.aggregate import Count

from ballots import service as ballots_service
from ballots.outcomes.rules import is_overdue
from ballots.outcomes.tables import DeliveryItem, Milestone
from ballots.results.service import ballots_with_results
from ballots.tables import Ballot, BallotCandidate
from proposals.schemas import CycleView
from proposals.service import get_cycle, list_cycles
from proposals.tables import Proposal
from server import clock
from server.dashboard.schemas import BallotFigure, CycleFigures


async def cycle_figures(cycle_id: int, today: dt.date | None = None) -> CycleFigures | None:
    cycle = await get_cycle(cycle_id)
    if cycle is None:
        return None
    return (await _figures([cycle], today))[0]


async def all_cycle_figures(today: dt.date | None = None) -> list[CycleFigures]:
    return await _figures(await list_cycles(), today)


async def _figures(cycles: list[CycleView], today: dt.date | None) -> list[CycleFigures]:
    """Every cycle's figures from the same ten grouped queries, however many cycles there are (the
    dashboard used to run six queries per cycle)."""
    today = today or clock.today()
    if not cycles:
        return []
    ids = [c.id for c in cycles]
    statuses: dict[int, Counter[str]] = {c: Counter() for c in ids}
    for r in await Proposal.select(Proposal.cycle, Proposal.status, Count(alias="n")).where(
            Proposal.cycle.is_in(ids) & (Proposal.status != "draft")).group_by(Proposal.cycle, Proposal.status):
        statuses[r["cycle"]][r["status"]] += r["n"]
    ballot_rows = await Ballot.select(Ballot.id, Ballot.cycle).where(Ballot.cycle.is_in(ids)).order_by(Ballot.id)
    on_ballot: Counter[int] = Counter(r["cycle"] for r in await BallotCandidate.select(
        BallotCandidate.ballot.cycle.as_alias("cycle"), BallotCandidate.proposal,
    ).where(BallotCandidate.ballot.cycle.is_in(ids)).distinct())
    published = set(await ballots_with_results())
    ballot_ids = [r["id"] for r in ballot_rows]
    turnouts = await ballots_service.turnouts(ballot_ids)
    ballots: dict[int, list[BallotFigure]] = {c: [] for c in ids}
    for view in await ballots_service.get_ballots(ballot_ids):
        ballots[view.cycle_id].append(
            BallotFigure(view.id, view.title, view.state, turnouts[view.id].total, view.id in published))
    items: dict[int, list[dict[str, object]]] = {c: [] for c in ids}
    for i in await DeliveryItem.select(
        DeliveryItem.id, DeliveryItem.allocated, DeliveryItem.spent, DeliveryItem.status,
        DeliveryItem.proposal.neighborhood.name.as_alias("neighborhood"),
        DeliveryItem.proposal.cycle.as_alias("cycle"),
    ).where(DeliveryItem.proposal.cycle.is_in(ids)):
        items[i["cycle"]].append(i)
    by_item: dict[int, list[dict[str, object]]] = {}
    for m in await Milestone.select(Milestone.item, Milestone.planned_date, Milestone.actual_date).where(
            Milestone.item.proposal.cycle.is_in(ids)):
        by_item.setdefault(m["item"], []).append(m)
    return [_cycle_figures(c, statuses[c.id], on_ballot[c.id], ballots[c.id], items[c.id], by_item, today)
            for c in cycles]


def _cycle_figures(cycle: CycleView, statuses: Counter[str], on_ballot: int, ballots: list[BallotFigure],
                   items: list[dict[str, Any]], by_item: dict[int, list[dict[str, Any]]],
                   today: dt.date) -> CycleFigures:
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
        cycle_id=cycle.id, cycle_name=cycle.name, phase=cycle.phase,
        proposals_received=sum(statuses.values()), proposals_feasible=statuses["feasible"], on_ballot=on_ballot,
        ballots=ballots,
        turnout=sum(b.turnout or 0 for b in ballots), turnout_suppressed=sum(1 for b in ballots if b.turnout is None),
        allocated=sum(i["allocated"] for i in items), spent=sum(i["spent"] for i in items),
        delivered=sum(i["allocated"] for i in completed), projects_funded=len(items),
        projects_completed=len(completed), completed_on_time=len(on_time), overdue_items=len(overdue),
        allocated_by_neighborhood=sorted(by_hood.items()),
    )
