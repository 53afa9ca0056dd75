"""Routes of the ballots domain (setup, codes, booths, casting, receipts); ballots/domain.py gathers
them with those of counting and results."""

from __future__ import annotations

from ballots.controllers.batches import BatchSheetController, CouncilBatchController
from ballots.controllers.booth import BoothController
from ballots.controllers.council import CouncilBallotController
from ballots.controllers.voting import BallotController

ROUTE_HANDLERS: list[object] = [BallotController, CouncilBallotController, CouncilBatchController,
                                BatchSheetController, BoothController]
