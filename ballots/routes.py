"""Routes of the ballots domain (setup, casting, receipts), its header links and home page section."""

from __future__ import annotations

# Registered for their side effects: the checks on moving neighborhoods while voting and on a cycle's
# dates against its ballots, and the proposal timeline's ballot, result and delivery chapters.
from ballots import cycle_dates, moves, proposal_timeline, service  # noqa: F401
from ballots.controllers import BallotController
from ballots.council import CouncilBallotController
from server.current_user import Viewer
from server.home_sections import HomeSection, register_home_section
from server.navigation import N_, NavItem, register_nav
from server.secret import register_key_check

register_nav(NavItem("/ballots", N_("Vote"), order=30))
# Start-up refuses when SECRET_KEY cannot open a ballot's sealed ballots (server/cli.py).
register_key_check(service.key_problem)
register_nav(NavItem("/council/ballots", N_("Manage ballots"), order=80, roles=("council",)))


@register_home_section
async def open_ballots_section(viewer: Viewer | None, neighborhood_id: int | None) -> HomeSection | None:
    ballots = await service.open_ballots_for(neighborhood_id)
    if not ballots:
        return None
    return HomeSection(template="ballots/_home_section.html", context={"ballots": ballots}, order=20)


ROUTE_HANDLERS: list[object] = [BallotController, CouncilBallotController]
