"""The indicators domain: safety indicators (imported as Open SDG CSV or computed from the sources
other domains declare, server/measures.py) and community surveys (indicators/surveys). Read by the
host through server/domains.py."""

from __future__ import annotations

from server.domains import Domain, Kind


def manifest() -> Domain:
    """What this domain declares; imported only when the host reads it."""
    from indicators import demo, routes, service
    from indicators.surveys import measures
    from indicators.surveys import service as surveys
    from server.background import Job
    from server.navigation import N_, NavItem

    return Domain(
        name="indicators",
        routes=routes.ROUTE_HANDLERS,
        piccolo_apps=["indicators.piccolo_app"],
        demo_steps=demo.DEMO_STEPS,
        # The demo's computed indicators read delivery's and the ballots' demo data.
        demo_after=("delivery", "ballots"),
        navigation=[
            NavItem("/indicators", N_("Indicators"), order=62),
            NavItem("/surveys", N_("Surveys"), order=64),
            NavItem("/council/indicators", N_("Manage indicators"), order=84, roles=("council",)),
            NavItem("/council/surveys", N_("Manage surveys"), order=86, roles=("council",)),
        ],
        # Counting a closed survey claims its sealed rows by deleting them, so workers may race safely;
        # recomputing replaces each indicator's values in one transaction.
        jobs=[Job("count-closed-surveys", 60, surveys.count_job),
              Job("recompute-indicators", 3600, service.refresh_job)],
        kinds=[Kind("indicator_source", name, spec) for name, spec in measures.SOURCES.items()],
        # Start-up refuses a SECRET_KEY that cannot open the sealed responses of an open survey.
        key_checks=[surveys.key_problem],
        stylesheets=["css/indicators.css"],
    )
