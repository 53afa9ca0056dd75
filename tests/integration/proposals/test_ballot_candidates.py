"""What a ballot may offer is decided by the proposals domain, once: ballots take it from there."""

from __future__ import annotations

from factories.proposals import make_proposals
from support import make_account, make_neighborhood

from ballots import service as ballots
from proposals import service


async def test_feasible_eligible_proposals_per_neighborhood_or_city_wide(voting_cycle: int) -> None:
    riverside, hillcrest = await make_neighborhood("Riverside"), await make_neighborhood("Hillcrest")
    author = await make_account(neighborhood_id=riverside)
    local = await make_proposals(voting_cycle, riverside, author.id, [30_000, 10_000])
    other = await make_proposals(voting_cycle, hillcrest, author.id, [20_000])
    await make_proposals(voting_cycle, riverside, author.id, [5_000], eligible=False)
    await make_proposals(voting_cycle, riverside, author.id, [6_000], status="not_feasible")
    await make_proposals(voting_cycle, riverside, author.id, [7_000], status="submitted")

    here = await service.ballot_candidates(voting_cycle, riverside)
    assert sorted(c.id for c in here) == sorted(local)
    assert all(c.cost == c.final_cost and c.neighborhood_name == "Riverside" for c in here)
    everywhere = await service.ballot_candidates(voting_cycle, None)
    assert sorted(c.id for c in everywhere) == sorted([*local, *other])
    assert [c.title for c in everywhere] == sorted(c.title for c in everywhere)

    # Ballots offer exactly these, in this order, at these costs.
    offered = await ballots.eligible_proposals(voting_cycle, None)
    assert [(c.proposal_id, c.cost) for c in offered] == [(c.id, c.cost) for c in everywhere]
