"""Routes of the ballots domain (setup, casting, receipts); ballots/domain.py gathers them with
those of counting and results."""

from __future__ import annotations

from ballots.controllers.council import CouncilBallotController
from ballots.controllers.voting import BallotController

ROUTE_HANDLERS: list[object] = [BallotController, CouncilBallotController]
