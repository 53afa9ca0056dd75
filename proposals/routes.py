"""Routes of the proposals domain (proposals, review, cycles). Threads, moderation and drafts list
their own routes in their sub-packages."""

from proposals import home  # noqa: F401  (registers the home page section)
from proposals.controllers.proposals import ProposalController
from proposals.controllers.review import CycleAdminController, CycleController, ReviewController
from server.navigation import N_, NavItem, register_nav

register_nav(NavItem("/proposals", N_("Proposals"), order=10))
register_nav(NavItem("/council/review", N_("Review queue"), order=80, roles=("council",)))
register_nav(NavItem("/council/cycles", N_("Cycles"), order=85, roles=("council",)))

ROUTE_HANDLERS: list[object] = [ProposalController, ReviewController, CycleAdminController, CycleController]
