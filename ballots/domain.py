"""The ballots domain: ballot setup, casting, counting and results. Read by the host through
server/domains.py."""

from __future__ import annotations

from server.domains import Command, Domain, Kind, Limiter

# Read on their own by `townsquare` (server/domains.py, `commands()`), so that running one does not
# load the rest of the manifest: `townsquare tally` is timed from process start.
COMMANDS = {"tally": Command("ballots.tally_cli:main",
                             "count a pabulib .pb file: townsquare tally FILE.pb [--rule R] [--json]")}


def manifest() -> Domain:
    """What this domain declares; imported only when the host reads it."""
    from ballots import cycle_dates, cycle_paths, home, measures, moves, proposal_timeline, routes, service
    from ballots import demo as ballots_demo
    from ballots.counting import routes as counting_routes
    from ballots.counting.service import count_at_close, count_closed_ballots
    from ballots.results import demo as results_demo
    from ballots.results import feed
    from ballots.results import routes as results_routes
    from proposals import cycle_checks, timeline_sources
    from server.background import Job, Task
    from server.navigation import N_, NavItem

    return Domain(
        name="ballots",
        routes=[*routes.ROUTE_HANDLERS, *counting_routes.ROUTE_HANDLERS, *results_routes.ROUTE_HANDLERS],
        piccolo_apps=["ballots.piccolo_app", "ballots.counting.piccolo_app", "ballots.results.piccolo_app"],
        demo_steps=[*ballots_demo.DEMO_STEPS, *results_demo.DEMO_STEPS],
        navigation=[
            NavItem("/ballots", N_("Vote"), order=30),
            NavItem("/council/ballots", N_("Manage ballots"), order=80, roles=("council",)),
            NavItem("/partner/batches", N_("Access codes"), order=81, roles=("partner",)),
            NavItem("/booth", N_("Polling booth"), order=82, roles=("partner", "council")),
        ],
        home_sections=[home.open_ballots_section],
        # The sweep: every closed ballot not yet counted (the unique index on count runs makes sure a
        # ballot set is counted once, whichever process gets there first).
        jobs=[Job("count-closed-ballots", 30, count_closed_ballots)],
        # Enqueued with the row that sets a ballot's closing time, to count it at that time.
        tasks=[Task(service.COUNT_AT_CLOSE, count_at_close)],
        # Result publications appear in the delivery feed, beside delivery updates.
        feed_providers=[("delivery", feed.publication_entries)],
        move_checks=[moves.no_second_neighborhood_vote],
        # Start-up refuses when SECRET_KEY cannot open a ballot's sealed ballots (server/cli.py).
        key_checks=[service.key_problem],
        kinds=[
            # A cycle's dates may not contradict its ballots' voting days.
            cycle_checks.kind("ballots.voting_days", cycle_dates.voting_phase_covers_ballots),
            cycle_checks.kind("ballots.verification_paths", cycle_paths.paths_fit_ballots),
            # The proposal timeline's ballot, result and delivery chapters.
            timeline_sources.kind("ballots.ballot_result_and_delivery", proposal_timeline.ballot_result_and_delivery),
            # Participation as an indicator, from turnout counts (server/measures.py).
            *(Kind("indicator_source", name, spec) for name, spec in measures.SOURCES.items()),
        ],
        # Failed access-code entries per client address: 10 per 10 minutes free, then each try waits
        # longer (a Throttle, server/throttle.py: no lockout of a school). Per typed code: 5 failed
        # tries per 10 minutes, then that code is refused for a while (ballots/controllers/voting.py).
        rate_limiters={"code_entry": Limiter(10, 600), "code_attempts": Limiter(5, 600)},
        commands=COMMANDS,
        stylesheets=["css/ballots.css"],
    )
