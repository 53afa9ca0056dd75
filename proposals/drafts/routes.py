"""Routes of draft procedures."""

from __future__ import annotations

from proposals.drafts.controllers import DraftController, DraftEditorController

ROUTE_HANDLERS = [DraftController, DraftEditorController]
