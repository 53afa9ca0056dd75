"""The home page section: what is happening now with proposals in the reader's neighborhood."""

from __future__ import annotations

from proposals import phases, service
from proposals.views import labels
from server.current_user import Viewer
from server.home_sections import HomeSection
from server.neighborhoods.schemas import NeighborhoodView


async def proposals_section(viewer: Viewer | None, neighborhood: NeighborhoodView | None) -> HomeSection | None:
    cycles = [c for c in await service.list_cycles() if c.phase != phases.CLOSED]
    if not cycles:
        return None
    cycles.sort(key=lambda c: c.ideas_open)
    neighborhood_id = neighborhood.id if neighborhood else None
    # One grouped query for every cycle's counts (was one query per cycle).
    counts = await service.status_counts_in(neighborhood_id, [c.id for c in cycles]) if neighborhood_id else {}
    signed_in = viewer is not None
    items = []
    for cycle in cycles:
        cycle_counts = counts.get(cycle.id, {})
        items.append({"cycle": cycle, "counts": cycle_counts, "total": sum(cycle_counts.values()),
                      "can_submit": phases.can_submit(cycle.phase), "can_support": phases.can_support(cycle.phase),
                      # Everything the cycle's card shows besides the language: its HTML is kept under
                      # this (server/fragments.py), the rest of the item derives from it.
                      "key": (cycle, tuple(sorted(cycle_counts.items())), neighborhood_id, signed_in)})
    return HomeSection(template="proposals/_home_section.html", order=10, context={
        "items": items, "neighborhood_id": neighborhood_id, "signed_in": signed_in, "labels": labels()},
        key=(tuple(i["key"] for i in items), neighborhood_id, signed_in))
