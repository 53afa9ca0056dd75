"""The home page section: raising a concern, and how many are open in the reader's neighborhood."""

from __future__ import annotations

from concerns import service
from server.current_user import Viewer
from server.home_sections import HomeSection
from server.neighborhoods.schemas import NeighborhoodView


async def concerns_home_section(viewer: Viewer | None, neighborhood: NeighborhoodView | None) -> HomeSection:
    counts = await service.open_counts(neighborhood.id if neighborhood else None)
    return HomeSection(template="concerns/_home_section.html", context={"counts": counts}, order=50,
                       key=tuple(sorted(counts.items())))
