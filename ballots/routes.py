"""Routes of the ballots domain (setup, casting, receipts), its header links and home page section."""

from __future__ import annotations

import ballots.moves  # noqa: F401  (registers the check on moving neighborhoods while voting)
from ballots import service
from ballots.controllers.council import CouncilBallotController
from ballots.controllers.voting import BallotController
from server.current_user import Viewer
from server.home_sections import HomeSection, register_home_section
from server.navigation import N_, NavItem, register_nav

register_nav(NavItem("/ballots", N_("Vote"), order=30))
register_nav(NavItem("/council/ballots", N_("Manage ballots"), order=80, roles=("council",)))


@register_home_section
async def open_ballots_section(viewer: Viewer | None, neighborhood_id: int | None) -> HomeSection | None:
    ballots = await service.open_ballots_for(neighborhood_id)
    if not ballots:
        return None
    return HomeSection(template="ballots/_home_section.html", context={"ballots": ballots}, order=20)


ROUTE_HANDLERS: list[object] = [BallotController, CouncilBallotController]
