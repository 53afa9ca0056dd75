"""The home page section: what is happening now with proposals in the reader's neighborhood."""

from __future__ import annotations

from proposals import phases, service
from proposals.views import labels
from server.current_user import Viewer
from server.home_sections import HomeSection


async def proposals_section(viewer: Viewer | None, neighborhood_id: int | None) -> HomeSection | None:
    cycles = [c for c in await service.list_cycles() if c.phase != phases.CLOSED]
    if not cycles:
        return None
    cycles.sort(key=lambda c: c.ideas_open)
    items = []
    for cycle in cycles:
        counts = await service.status_counts(cycle.id, neighborhood_id) if neighborhood_id else {}
        items.append({"cycle": cycle, "counts": counts, "total": sum(counts.values()),
                      "can_submit": phases.can_submit(cycle.phase), "can_support": phases.can_support(cycle.phase)})
    return HomeSection(template="proposals/_home_section.html", order=10, context={
        "items": items, "neighborhood_id": neighborhood_id, "signed_in": viewer is not None, "labels": labels()})
