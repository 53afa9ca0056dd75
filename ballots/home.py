"""The home page section: ballots open in the reader's neighborhood."""

from __future__ import annotations

from ballots import service
from server.current_user import Viewer
from server.home_sections import HomeSection
from server.neighborhoods.schemas import NeighborhoodView


async def open_ballots_section(viewer: Viewer | None, neighborhood: NeighborhoodView | None) -> HomeSection | None:
    ballots = await service.open_ballots_for(neighborhood.id if neighborhood else None)
    if not ballots:
        return None
    return HomeSection(template="ballots/_home_section.html", context={"ballots": ballots}, order=20)
