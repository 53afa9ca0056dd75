"""Routes of the concerns domain."""

from __future__ import annotations

from concerns.controllers.casework import CaseworkController, CategoriesController, IntakeController
from concerns.controllers.open311 import Open311Controller
from concerns.controllers.public import ConcernsController
from concerns.controllers.reporting import ReportController

ROUTE_HANDLERS = [ReportController, ConcernsController, CaseworkController, IntakeController, CategoriesController,
                  Open311Controller]
