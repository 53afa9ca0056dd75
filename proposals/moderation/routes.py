"""Routes of moderation: reporting, the queue and the log."""

from proposals.moderation.controllers import ModerationController, ReportController

ROUTE_HANDLERS = [ReportController, ModerationController]
