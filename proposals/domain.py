"""The proposals domain: budget cycles, proposals and council review, with its components (comment
threads, moderation) and draft procedures. Read by the host through server/domains.py."""

from __future__ import annotations

from server.domains import Domain, Kind, Limiter


def manifest() -> Domain:
    """What this domain declares; imported only when the host reads it."""
    from proposals import comments, home, links, routes
    from proposals import demo as proposals_demo
    from proposals import service as proposals_service
    from proposals.drafts import demo as drafts_demo
    from proposals.drafts import home as drafts_home
    from proposals.drafts import routes as drafts_routes
    from proposals.drafts import service as drafts_service
    from proposals.moderation import routes as moderation_routes
    from proposals.moderation import service as moderation_service
    from proposals.threads import routes as threads_routes
    from proposals.threads import service as threads_service
    from server.navigation import N_, NavItem

    return Domain(
        name="proposals",
        routes=[*routes.ROUTE_HANDLERS, *threads_routes.ROUTE_HANDLERS, *moderation_routes.ROUTE_HANDLERS,
                *drafts_routes.ROUTE_HANDLERS],
        piccolo_apps=["proposals.piccolo_app", "proposals.threads.piccolo_app", "proposals.moderation.piccolo_app",
                      "proposals.drafts.piccolo_app"],
        demo_steps=[*proposals_demo.DEMO_STEPS, *drafts_demo.DEMO_STEPS],
        navigation=[
            NavItem("/proposals", N_("Proposals"), order=10),
            NavItem("/council/review", N_("Review queue"), order=80, roles=("council",)),
            NavItem("/council/cycles", N_("Cycles"), order=85, roles=("council",)),
            NavItem("/moderation", N_("Moderation"), order=80, roles=("moderator", "council")),
            NavItem("/drafts", N_("Draft procedures"), order=20),
        ],
        home_sections=[home.proposals_section, drafts_home.open_drafts_section],
        notification_kinds={**proposals_service.NOTIFICATION_KINDS, **threads_service.NOTIFICATION_KINDS,
                            **moderation_service.NOTIFICATION_KINDS, **drafts_service.NOTIFICATION_KINDS},
        subject_guards=proposals_service.SUBJECT_GUARDS,
        follow_sources=[comments.followed_proposals, drafts_service.followed_drafts],
        kinds=[*comments.KINDS, *threads_service.KINDS, *moderation_service.KINDS, *drafts_service.KINDS,
               *(Kind("link", name, spec) for name, spec in links.LINK_KINDS.items())],
        # Reports per account: 30 an hour (proposals/moderation/controllers.py). Three reports hide an
        # item, so a flood from one account is what needs slowing.
        rate_limiters={"reports": Limiter(30, 3600)},
        stylesheets=["css/proposals.css", "css/deliberation.css"],
    )
