"""Helpers for the proposals tests: cycles whose phase is open today, and proposals in a given state."""

from __future__ import annotations

import datetime as dt

from proposals import phases, service
from proposals.schemas import CycleInput, ProposalInput, ReviewInput
from server import clock


def dates_for_phase(phase: str, today: dt.date | None = None) -> dict[str, dt.date]:
    """Cycle dates on which `phase` opened yesterday (each phase lasts ten days)."""
    today = today or clock.today()
    if phase == phases.UPCOMING:
        k, anchor = 0, today + dt.timedelta(days=5)
    elif phase == phases.CLOSED:
        k, anchor = 0, today - dt.timedelta(days=100)
    else:
        k, anchor = phases.PHASES.index(phase), today - dt.timedelta(days=1)
    dates = {field: anchor + dt.timedelta(days=10 * (i - k)) for i, field in enumerate(phases.START_FIELDS.values())}
    dates["delivery_close"] = dates["delivery_open"] + dt.timedelta(days=10)
    return dates


async def make_cycle(phase: str = phases.IDEAS, name: str = "Test cycle") -> int:
    cycle = await service.create_cycle(CycleInput(name=name, **dates_for_phase(phase)))
    assert cycle.phase == phase, (cycle.phase, phase)
    return cycle.id


async def move_to_phase(cycle_id: int, phase: str) -> None:
    cycle = await service.get_cycle(cycle_id)
    assert cycle is not None
    await service.update_cycle(cycle_id, CycleInput(name=cycle.name, **dates_for_phase(phase)))


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
