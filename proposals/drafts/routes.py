"""Routes of draft procedures, their header link and home page section."""

from __future__ import annotations

from proposals.drafts import service
from proposals.drafts.controllers import DraftController, DraftEditorController
from server.current_user import Viewer
from server.home_sections import HomeSection, register_home_section
from server.navigation import N_, NavItem, register_nav

register_nav(NavItem("/drafts", N_("Draft procedures"), order=20))


@register_home_section
async def _open_drafts(viewer: Viewer | None, neighborhood_id: int | None) -> HomeSection | None:
    drafts = await service.open_drafts()
    if not drafts:
        return None
    return HomeSection(template="drafts/_home_section.html", context={"drafts": drafts}, order=20)


ROUTE_HANDLERS = [DraftController, DraftEditorController]
