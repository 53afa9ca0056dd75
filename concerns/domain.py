"""The concerns domain: residents raise safety concerns and follow them to resolution; Open311
GeoReport v2 for partner apps. Read by the host through server/domains.py."""

from __future__ import annotations

from server.domains import Domain, Kind, Limiter


def manifest() -> Domain:
    """What this domain declares; imported only when the host reads it."""
    from concerns import demo, home, links, measures, moderation, routes, service
    from proposals import timeline_sources
    from server.background import Job
    from server.navigation import N_, NavItem

    return Domain(
        name="concerns",
        routes=routes.ROUTE_HANDLERS,
        piccolo_apps=["concerns.piccolo_app"],
        demo_steps=demo.DEMO_STEPS,
        navigation=[
            NavItem("/concerns", N_("Concerns"), order=45),
            NavItem("/concerns/cases", N_("Casework"), order=84, roles=("council", "oversight")),
            NavItem("/council/concerns", N_("Concern categories"), order=85, roles=("council",)),
        ],
        home_sections=[home.concerns_home_section],
        # Each worker checks; a conditional update claims each notice, so it is sent once.
        jobs=[Job("concerns-overdue", 300, service.notice_overdue)],
        notification_kinds=service.NOTIFICATION_KINDS,
        kinds=[
            *(Kind("link", name, spec) for name, spec in links.LINK_KINDS.items()),
            timeline_sources.kind("concerns.started_from", links.proposal_started_from),
            # A published description can be reported and hidden like any public text.
            *moderation.KINDS,
            # Response times, resolutions and disputes as indicators (server/measures.py).
            *(Kind("indicator_source", name, spec) for name, spec in measures.SOURCES.items()),
        ],
        follow_sources=[links.followed_concerns],
        # Anonymous reports for the whole site (never per address): 30 per 10 minutes.
        rate_limiters={"concern_reports": Limiter(30, 600)},
        stylesheets=["css/concerns.css"],
    )
