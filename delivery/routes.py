"""Routes of delivery tracking, its header link and its home page section."""

from __future__ import annotations

from delivery.controllers import CouncilDeliveryController, DeliveryController, DeliveryFeedController
from delivery.home import delivery_home_section
from server.home_sections import PROVIDERS, register_home_section
from server.navigation import N_, NavItem, register_nav

register_nav(NavItem("/delivery", N_("Delivery"), order=40))
register_nav(NavItem("/council/delivery", N_("Delivery reports"), order=80, roles=("council",)))
if delivery_home_section not in PROVIDERS:
    register_home_section(delivery_home_section)

ROUTE_HANDLERS = [DeliveryController, DeliveryFeedController, CouncilDeliveryController]
