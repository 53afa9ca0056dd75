"""Routes of the comment-thread component."""

from proposals.threads.controllers import ThreadController

ROUTE_HANDLERS = [ThreadController]
