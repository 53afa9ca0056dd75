"""The home page section: draft procedures open for comments."""

from __future__ import annotations

from proposals.drafts import service
from server.current_user import Viewer
from server.home_sections import HomeSection
from server.neighborhoods.schemas import NeighborhoodView


async def open_drafts_section(viewer: Viewer | None, neighborhood: NeighborhoodView | None) -> HomeSection | None:
    drafts = await service.open_for_comment()
    if not drafts:
        return None
    return HomeSection(template="drafts/_home_section.html", context={"drafts": drafts}, order=20, key=tuple(drafts))
