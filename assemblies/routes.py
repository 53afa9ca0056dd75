"""Routes of meetings, boards and the commitment register."""

from __future__ import annotations

from assemblies.controllers.boards import BoardsController, CouncilBoardsController
from assemblies.controllers.commitments import CommitmentsController, CouncilCommitmentsController
from assemblies.controllers.meetings import MeetingsController

ROUTE_HANDLERS = [MeetingsController, BoardsController, CouncilBoardsController, CommitmentsController,
                  CouncilCommitmentsController]
