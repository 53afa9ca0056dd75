"""The proposals domain's factories: budget cycles whose phase is open today, and proposals in a
given state, made through the service as residents and council staff make them."""

from __future__ import annotations

import datetime as dt

from support import make_account

from proposals import phases, service
from proposals.schemas import CycleInput, ProposalInput, ReviewInput
from server import clock
from server.accounts.tables import Account


def dates_for_phase(phase: str, today: dt.date | None = None, days: int = 10) -> dict[str, dt.date]:
    """Cycle dates on which `phase` opened yesterday (each phase lasts `days` days)."""
    today = today or clock.today()
    if phase == phases.UPCOMING:
        k, anchor = 0, today + dt.timedelta(days=5)
    elif phase == phases.CLOSED:
        k, anchor = 0, today - dt.timedelta(days=100)
    else:
        k, anchor = phases.PHASES.index(phase), today - dt.timedelta(days=1)
    dates = {field: anchor + dt.timedelta(days=days * (i - k))
             for i, field in enumerate(phases.START_FIELDS.values())}
    dates["delivery_close"] = dates["delivery_open"] + dt.timedelta(days=days)
    return dates


def stretch_voting(dates: dict[str, dt.date], first_day: dt.date, last_day: dt.date) -> dict[str, dt.date]:
    """The same dates with the voting phase widened to run from `first_day` through `last_day` at
    least (a ballot's voting days must lie inside it): the phases before it start earlier, those
    after it later, each by as much as voting grew on that side."""
    earlier = dt.timedelta(days=max(0, (dates["voting_open"] - first_day).days))
    later = dt.timedelta(days=max(0, (last_day - dates["results_open"]).days + 1))
    before = ("ideas_open", "deliberation_open", "review_open", "voting_open")
    return {name: day - earlier if name in before else day + later for name, day in dates.items()}


async def make_cycle(phase: str = phases.IDEAS, name: str = "Test cycle", *, days: int = 10,
                     voting_days: tuple[dt.date, dt.date] | None = None) -> int:
    """A cycle in `phase` today whose phases last `days` days; `voting_days` (first, last) widens its
    voting phase to cover a ballot's days (a ballot must fit its cycle's voting phase)."""
    dates = dates_for_phase(phase, days=days)
    if voting_days is not None:
        dates = stretch_voting(dates, *voting_days)
    cycle = await service.create_cycle(CycleInput(name=name, **dates))
    assert cycle.phase == phase, (cycle.phase, phase)
    return cycle.id


async def move_to_phase(cycle_id: int, phase: str) -> None:
    cycle = await service.get_cycle(cycle_id)
    assert cycle is not None
    await service.update_cycle(cycle_id, CycleInput(name=cycle.name, **dates_for_phase(phase)))


async def widen_voting(cycle_id: int, first_day: dt.date, last_day: dt.date) -> None:
    """Council moves the cycle's dates so that its voting phase covers `first_day`..`last_day`."""
    cycle = await service.get_cycle(cycle_id)
    assert cycle is not None
    dates = stretch_voting({name: getattr(cycle, name) for name in phases.DATE_FIELDS}, first_day, last_day)
    await service.update_cycle(cycle_id, CycleInput(name=cycle.name, **dates))


def proposal_input(title: str = "Brighter lights on the river path", **overrides: object) -> ProposalInput:
    values: dict[str, object] = {
        "title": title,
        "summary": "Replace the broken lamps between the footbridge and the boathouse.",
        "description": "The path is dark after 5pm in winter. Twelve lamps are out.",
        "category": "street_lighting",
        "estimated_cost": 42000,
        "location": "River path, footbridge to boathouse",
    }
    values.update(overrides)
    return ProposalInput(**values)  # type: ignore[arg-type]


async def make_proposal(author, cycle_id: int, *, submit: bool = True, **overrides: object) -> int:
    return await service.create_proposal(author.id, author.neighborhood_id, cycle_id, proposal_input(**overrides),
                                         submit=submit)


def feasible(cost: int = 40000, eligible: bool = True) -> ReviewInput:
    return ReviewInput("feasible", final_cost=cost, ballot_eligible=eligible)


async def council_member() -> int:
    row = await Account.select(Account.id).where(Account.role == "council").order_by(Account.id).first()
    return row["id"] if row else (await make_account("council")).id


async def make_proposals(cycle_id: int, neighborhood_id: int, author_id: int, costs: list[int], *,
                         status: str = "feasible", eligible: bool = True, reviewer_id: int | None = None) -> list[int]:
    """One proposal per cost, titled "Project N (cost)", in `status` (draft, submitted, feasible or
    not_feasible): written during the cycle's idea collection and, unless draft or submitted,
    reviewed by council staff during its review, whatever the cycle's phase today."""
    cycle = await service.get_cycle(cycle_id)
    assert cycle is not None
    reviewer = reviewer_id or await council_member()
    ids = []
    for i, cost in enumerate(costs):
        pid = await service.create_proposal(
            author_id, neighborhood_id, cycle_id,
            proposal_input(f"Project {i + 1} ({cost})", summary=f"Summary {i + 1}", estimated_cost=cost),
            submit=status != "draft", on=cycle.ideas_open)
        if status == "feasible":
            await service.review(pid, reviewer, feasible(cost, eligible), on=cycle.review_open)
        elif status == "not_feasible":
            await service.review(pid, reviewer, ReviewInput("not_feasible", reason="Not ours to build."),
                                 on=cycle.review_open)
        else:
            assert status in ("draft", "submitted"), status
        ids.append(pid)
    return ids
