"""The host's own manifest, read before the domains': its routes (home, accounts, neighborhoods,
notifications), its Piccolo app, the demo's neighborhoods and accounts, its header link, the session
clean-up job and the welcome notification."""

from __future__ import annotations

from server.domains import Domain, Limiter


def manifest() -> Domain:
    from server import demo, routes
    from server.background import Job, clear_expired
    from server.navigation import N_, NavItem
    from server.notifications.kinds import HOST_KINDS

    return Domain(
        name="server",
        routes=routes.ROUTE_HANDLERS,
        piccolo_apps=["server.piccolo_app"],
        demo_steps=demo.demo_steps(),
        navigation=[NavItem("/council/neighborhoods", N_("Neighborhoods"), order=90, roles=("council",)),
                    NavItem("/council/verification", N_("Verification"), order=91, roles=("council",)),
                    NavItem("/verify", N_("Verify residents"), order=92, roles=("partner",))],
        jobs=[Job("clear-expired-sessions", 3600, clear_expired)],
        notification_kinds=HOST_KINDS,
        # Failed matches against the eligibility roll per account and day (server/verification).
        rate_limiters={"roll_match": Limiter(10, 24 * 3600)},
    )
