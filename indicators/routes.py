"""Routes of indicators and surveys."""

from __future__ import annotations

from indicators.controllers.indicators import CouncilIndicatorController, IndicatorController
from indicators.controllers.surveys import CouncilSurveyController, SurveyController

ROUTE_HANDLERS = [IndicatorController, CouncilIndicatorController, SurveyController, CouncilSurveyController]
