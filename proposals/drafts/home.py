"""The home page section: draft procedures open for comments."""

from __future__ import annotations

from proposals.drafts import service
from server.current_user import Viewer
from server.home_sections import HomeSection


async def open_drafts_section(viewer: Viewer | None, neighborhood_id: int | None) -> HomeSection | None:
    drafts = await service.open_drafts()
    if not drafts:
        return None
    return HomeSection(template="drafts/_home_section.html", context={"drafts": drafts}, order=20)
