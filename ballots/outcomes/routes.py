"""Routes of delivery tracking, its header link and its home page section."""

from __future__ import annotations

from ballots.outcomes.controllers import CouncilDeliveryController, DeliveryController, DeliveryFeedController
from ballots.outcomes.home import delivery_home_section, followed_projects
from server.follows import SOURCES, register_follow_source
from server.home_sections import PROVIDERS, register_home_section
from server.navigation import N_, NavItem, register_nav

register_nav(NavItem("/delivery", N_("Delivery"), order=40))
register_nav(NavItem("/council/delivery", N_("Delivery reports"), order=80, roles=("council",)))
if delivery_home_section not in PROVIDERS:
    register_home_section(delivery_home_section)
if followed_projects not in SOURCES:
    register_follow_source(followed_projects)

ROUTE_HANDLERS = [DeliveryController, DeliveryFeedController, CouncilDeliveryController]
