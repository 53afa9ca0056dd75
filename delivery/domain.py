"""The delivery domain: tracking the delivery of funded projects. Read by the host through
server/domains.py."""

from __future__ import annotations

from server.domains import Domain, Kind


def manifest() -> Domain:
    """What this domain declares; imported only when the host reads it."""
    from delivery import comments, demo, home, links, measures, routes, service
    from server.navigation import N_, NavItem

    return Domain(
        name="delivery",
        routes=routes.ROUTE_HANDLERS,
        piccolo_apps=["delivery.piccolo_app"],
        demo_steps=demo.DEMO_STEPS,
        # Its items come from the result the ballots demo publishes.
        demo_after=("ballots",),
        navigation=[
            NavItem("/delivery", N_("Delivery"), order=40),
            # After "Manage ballots" (80), as before delivery had a package of its own.
            NavItem("/council/delivery", N_("Delivery reports"), order=82, roles=("council",)),
        ],
        home_sections=[home.delivery_home_section],
        notification_kinds=service.NOTIFICATION_KINDS,
        kinds=[*comments.KINDS, *(Kind("link", name, spec) for name, spec in links.LINK_KINDS.items()),
               # Delivery on time as an indicator (server/measures.py).
               *(Kind("indicator_source", name, spec) for name, spec in measures.SOURCES.items())],
        feed_providers=[("delivery", service.delivery_update_entries)],
        follow_sources=[home.followed_projects],
        stylesheets=["css/outcomes.css"],
    )
