"""The read side: the transparency dashboard and the open data API. It reads the domains above it
in the list only through their service functions. Read by the host through server/domains.py."""

from __future__ import annotations

from server.domains import Domain


def manifest() -> Domain:
    """What this domain declares; imported only when the host reads it."""
    from server.navigation import N_, NavItem
    from transparency.api.routes import ROUTE_HANDLERS as API_ROUTES
    from transparency.dashboard.controllers import DashboardController

    return Domain(
        name="transparency",
        routes=[DashboardController, *API_ROUTES],
        navigation=[NavItem("/dashboard", N_("Transparency"), order=60)],
    )
