"""The assemblies domain: meetings (assemblies, listening sessions, town halls, board meetings) with
agendas, minutes and calendars; advisory boards and task forces with their members; and the public
register of commitments. Read by the host through server/domains.py."""

from __future__ import annotations

from server.domains import Domain, Kind


def manifest() -> Domain:
    """What this domain declares; imported only when the host reads it."""
    from assemblies import demo, home, links, measures, proposal_timeline, routes, service
    from proposals import timeline_sources
    from server.background import Job
    from server.navigation import N_, NavItem

    return Domain(
        name="assemblies",
        routes=routes.ROUTE_HANDLERS,
        piccolo_apps=["assemblies.piccolo_app"],
        demo_steps=demo.DEMO_STEPS,
        # Commitments answer the proposals and delivery items those demos make.
        demo_after=("proposals", "delivery"),
        navigation=[
            NavItem("/meetings", N_("Meetings"), order=45),
            NavItem("/commitments", N_("Commitments"), order=47),
            NavItem("/council/boards", N_("Boards"), order=84, roles=("council",)),
        ],
        home_sections=[home.assemblies_home_section],
        jobs=[Job("commitments_overdue", 15 * 60, service.run_overdue_job)],
        notification_kinds=service.NOTIFICATION_KINDS,
        kinds=[*(Kind("link", name, spec) for name, spec in links.LINK_KINDS.items()),
               *(Kind("indicator_source", name, spec) for name, spec in measures.SOURCES.items()),
               timeline_sources.kind("assemblies.meetings_and_commitments",
                                     proposal_timeline.meetings_and_commitments)],
        feed_providers=[("commitments", service.commitment_entries)],
        follow_sources=[home.followed],
        stylesheets=["css/assemblies.css"],
    )
