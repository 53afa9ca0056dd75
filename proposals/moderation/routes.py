"""Routes of moderation: reporting, the queue and the log."""

from proposals.moderation.controllers import BlockedController, ModerationController, ReportController
from server.navigation import N_, NavItem, register_nav

register_nav(NavItem("/moderation", N_("Moderation"), order=80, roles=("moderator", "council")))

ROUTE_HANDLERS = [ReportController, BlockedController, ModerationController]
