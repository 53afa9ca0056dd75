"""Routes of delivery tracking."""

from __future__ import annotations

from delivery.controllers import CouncilDeliveryController, DeliveryController, DeliveryFeedController

ROUTE_HANDLERS = [DeliveryController, DeliveryFeedController, CouncilDeliveryController]
