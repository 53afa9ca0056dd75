from __future__ import annotations

from proposals import service
from proposals.tables import Follow, Proposal, Support
from server.demo import DemoContext


async def test_demo_has_every_state_and_what_ballots_need(demo: DemoContext) -> None:
    ctx = demo
    cycle = await service.get_cycle(ctx.extra["cycle_id"])
    assert cycle.phase == "voting"
    spring = await service.get_cycle(ctx.extra["spring_cycle_id"])
    assert spring.phase == "ideas"
    statuses = {r["status"] for r in await Proposal.select(Proposal.status)}
    assert {"draft", "submitted", "feasible", "not_feasible", "merged"} <= statuses
    riverside = ctx.neighborhoods["Riverside"]
    candidates = await service.ballot_candidates(cycle.id, riverside)
    assert len(candidates) >= 5 and all(c.final_cost for c in candidates)
    youth_hoods = {r["neighborhood"] for r in await Proposal.select(Proposal.neighborhood).where(
        (Proposal.category == "youth_programs") & (Proposal.status == "feasible"))}
    assert len(youth_hoods) >= 2
    assert await Support.count() > 10 and await Follow.count() > 10
    assert any("Spring" in note for note in ctx.notes)
