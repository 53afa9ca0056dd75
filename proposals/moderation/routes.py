"""Routes of moderation: reporting, the queue and the log."""

from proposals.moderation.controllers import BlockedController, ModerationController, ReportController

ROUTE_HANDLERS = [ReportController, BlockedController, ModerationController]
