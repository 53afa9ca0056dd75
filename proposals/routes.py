"""Routes of the proposals domain (proposals, review, cycles). Threads, moderation and drafts list
their own routes in their sub-packages; proposals/domain.py gathers them."""

from proposals.controllers.proposals import ProposalController
from proposals.controllers.review import CycleAdminController, CycleController, ReviewController

ROUTE_HANDLERS: list[object] = [ProposalController, ReviewController, CycleAdminController, CycleController]
