"""Demo ballots: an open Riverside ballot, an open city-wide youth ballot (ages 12 to 22), both with
access codes printed at start-up and ballots of every origin cast, and a closed ballot with 150
generated ballots (fixed seed) for the counting and results pages."""

from __future__ import annotations

import datetime as dt
import random

from ballots import service
from ballots.schemas import BallotSettings
from proposals.tables import BudgetCycle, Proposal
from server import clock
from server.demo import DemoContext, DemoStep

SEED = 2025
CLOSED_BALLOTS = 150

RIVERSIDE_PROJECTS = [
    ("Lighting on the river path", "Solar lamps every 30 metres along the dark stretch of the river path.", 45_000),
    ("Safe crossing at Mill Street school", "A raised crossing and a crossing guard at school times.", 60_000),
    ("Youth evening drop-in at the boathouse", "Open three evenings a week with youth workers and sport.", 30_000),
    ("First-aid kits and training", "Kits in ten shops and free training for the people who work there.", 15_000),
    ("Mental-health street outreach", "Trained outreach pairs who respond to calls instead of the police.", 80_000),
]
HILLCREST_PROJECTS = [
    ("Hillcrest park lighting", "Brighter paths and a lit entrance at the north gate of the park.", 40_000),
    ("Youth mentoring programme", "Weekly mentoring for teenagers, run with the youth centre.", 35_000),
]
OLD_TOWN_PROJECTS = [
    ("Night bus stop shelters", "Lit and covered shelters at the four busiest night bus stops.", 70_000),
    ("Market square cameras review", "An independent review of the square's cameras and signage.", 20_000),
    ("Alley clean-up and murals", "Clearing and painting the three alleys behind the high street.", 35_000),
    ("Late-night safe space", "A staffed safe space on Friday and Saturday nights.", 90_000),
    ("Bike lanes on Castle Road", "Protected lanes on the stretch with the most crashes.", 110_000),
    ("Neighbour mediation service", "Free mediation for neighbour disputes before they escalate.", 25_000),
    ("Senior walking groups", "Accompanied walking groups three mornings a week.", 10_000),
    ("Street lighting on Tanner Lane", "Replacing the broken lamps on the whole lane.", 30_000),
]


async def _cycle(name: str, start: dt.date) -> int:
    rows = await BudgetCycle.insert(BudgetCycle(
        name=name, ideas_open=start, deliberation_open=start + dt.timedelta(days=30),
        review_open=start + dt.timedelta(days=60), voting_open=start + dt.timedelta(days=90),
        results_open=start + dt.timedelta(days=120), delivery_open=start + dt.timedelta(days=130),
        delivery_close=start + dt.timedelta(days=400),
    )).returning(BudgetCycle.id)
    return rows[0]["id"]


# Each demo project's category, from the list residents choose from (proposals/categories.py).
CATEGORY_OF = {
    "Lighting on the river path": "street_lighting", "Safe crossing at Mill Street school": "safe_routes",
    "Youth evening drop-in at the boathouse": "youth_programs", "First-aid kits and training": "community_spaces",
    "Mental-health street outreach": "mental_health", "Hillcrest park lighting": "street_lighting",
    "Youth mentoring programme": "youth_programs", "Night bus stop shelters": "safe_routes",
    "Market square cameras review": "other", "Alley clean-up and murals": "community_spaces",
    "Late-night safe space": "community_spaces", "Bike lanes on Castle Road": "safe_routes",
    "Neighbour mediation service": "restorative", "Senior walking groups": "safe_routes",
    "Street lighting on Tanner Lane": "street_lighting",
}


async def _proposals(cycle_id: int, neighborhood_id: int, author_id: int | list[int],
                     projects: list[tuple[str, str, int]]) -> list[int]:
    """Feasible projects, proposed by residents of the neighborhood (taking turns when several)."""
    authors = author_id if isinstance(author_id, list) else [author_id]
    ids = []
    for n, (title, summary, cost) in enumerate(projects):
        rows = await Proposal.insert(Proposal(
            cycle=cycle_id, neighborhood=neighborhood_id, author=authors[n % len(authors)], title=title,
            summary=summary, description=summary, category=CATEGORY_OF.get(title, "other"), estimated_cost=cost,
            status="feasible", final_cost=cost,
            ballot_eligible=True, submitted_at=dt.datetime.now(dt.UTC),
        )).returning(Proposal.id)
        ids.append(rows[0]["id"])
    return ids


async def _candidates(ctx: DemoContext) -> None:
    """Use the proposals demo's cycle when it has enough projects for a ballot, else make our own."""
    riverside = ctx.neighborhoods["Riverside"]
    cycle_id = ctx.extra.get("cycle_id")
    if isinstance(cycle_id, int):
        local = await service.eligible_proposals(cycle_id, riverside)
        everywhere = await service.eligible_proposals(cycle_id, None)
        if len(local) >= 2 and len(everywhere) >= 2:
            ctx.extra["ballot_cycle_id"] = cycle_id
            return
    today = clock.today()
    cycle_id = await _cycle("Safety budget (voting demo)", today - dt.timedelta(days=95))
    author = ctx.accounts["resident"]
    await _proposals(cycle_id, riverside, [author, ctx.accounts["neighbor"]], RIVERSIDE_PROJECTS)
    await _proposals(cycle_id, ctx.neighborhoods["Hillcrest"], ctx.accounts["hillcrest"], HILLCREST_PROJECTS)
    ctx.extra["ballot_cycle_id"] = cycle_id


def _ranking(rng: random.Random, ids: list[int], weights: list[float], k: int) -> list[int]:
    """Up to k projects drawn by popularity, most wanted first."""
    pool, w = list(ids), list(weights)
    ranking = []
    for _ in range(rng.randint(1, k)):
        pick = rng.choices(range(len(pool)), weights=w)[0]
        ranking.append(pool.pop(pick))
        w.pop(pick)
    return ranking


def _on_the_hour(days_from_today: int, hour: int) -> dt.datetime:
    """A whole hour on the city's clock, as council staff would set a ballot (not 11:27 PM)."""
    return clock.from_local(dt.datetime.combine(clock.today() + dt.timedelta(days=days_from_today), dt.time(hour)))


async def _open_ballots(ctx: DemoContext) -> None:
    cycle_id = int(ctx.extra["ballot_cycle_id"])  # type: ignore[call-overload]
    riverside = ctx.neighborhoods["Riverside"]
    council, council2 = ctx.accounts["council"], ctx.accounts["council2"]
    local = [c.proposal_id for c in await service.eligible_proposals(cycle_id, riverside)]
    everywhere = [c.proposal_id for c in await service.eligible_proposals(cycle_id, None)]
    # Inside the cycle's voting phase (which ends the day before results open, 11 days from today).
    opens, closes = _on_the_hour(-3, 9), _on_the_hour(10, 20)
    river_id = await service.create_ballot(BallotSettings(
        cycle_id=cycle_id, neighborhood_id=riverside, title="Riverside safety fund", budget=120_000,
        explanation="Riverside has **$120,000** to spend on safety this year. Rank up to three projects.",
        max_ranks=min(3, len(local)), min_ranks=1, age_min=None, age_max=None, opens_at=opens, closes_at=closes,
        rule="mes", candidate_ids=local,
    ), council)
    youth_id = await service.create_ballot(BallotSettings(
        cycle_id=cycle_id, neighborhood_id=None, title="City youth fund", budget=60_000,
        explanation="The youth fund is decided by young people aged 12 to 22 from every neighborhood.",
        max_ranks=min(3, len(everywhere)), min_ranks=1, age_min=12, age_max=22, opens_at=opens, closes_at=closes,
        rule="mes", candidate_ids=everywhere,
        # Riverside's projects are on both ballots: the neighborhood fund is decided first, and
        # what it funds leaves the youth count (one project, one fund).
        decided_after=river_id,
    ), council)
    rng = random.Random(SEED)
    year = closes.year
    for ballot_id, ids, accounts, ages in ((river_id, local, ("resident", "neighbor"), (16, 30, 41, 58, 70, 35)),
                                           (youth_id, everywhere, ("youth",), (13, 15, 16, 17, 19, 21, 14, 18))):
        weights = [rng.uniform(0.5, 3) for _ in ids]
        k = min(3, len(ids))
        for key in accounts:
            await service.cast_online(ballot_id, ctx.accounts[key], _ranking(rng, ids, weights, k))
        codes = await service.generate_codes(ballot_id, len(ages) + 5, "Demo event")
        ballot = await service.get_ballot(ballot_id)
        assert ballot is not None
        for code, age in zip(codes, ages, strict=False):
            match = await service.find_code(code)
            assert match is not None
            band = service.code_voter_band(ballot, year - age)
            await service.cast_with_code(ballot_id, match.code_id, _ranking(rng, ids, weights, k), band)
        for n in range(1, 4):
            ranking = _ranking(rng, ids, weights, k)
            await service.enter_paper(ballot_id, council, f"DEMO-{n:03d}", ranking, "45-64" if n % 2 else "18-24")
            await service.enter_paper(ballot_id, council2, f"DEMO-{n:03d}", ranking, "45-64" if n % 2 else "18-24")
        await service.enter_paper(ballot_id, council, "DEMO-004", _ranking(rng, ids, weights, k))  # waits
        ctx.notes.append(f"Access codes for “{ballot.title}” (vote at /vote, each works once):")
        ctx.notes.append("  " + "  ".join(codes[len(ages):]))
    ctx.extra["open_ballot_ids"] = [river_id, youth_id]


async def _closed_ballot(ctx: DemoContext) -> None:
    """Last year's Old Town ballot: 150 ballots (codes and double-entered paper), two camps of voters
    with different tastes, so the counting rules give visibly different results."""
    old_town = ctx.neighborhoods["Old Town"]
    cycle_id = await _cycle("Safety budget last year", clock.today() - dt.timedelta(days=140))
    ids = await _proposals(cycle_id, old_town, ctx.accounts["oldtown"], OLD_TOWN_PROJECTS)
    opens, closes = _on_the_hour(-40, 9), _on_the_hour(-21, 20)  # voting ran from day -50 to day -21
    during = opens + dt.timedelta(days=5)
    ballot_id = await service.create_ballot(BallotSettings(
        cycle_id=cycle_id, neighborhood_id=old_town, title="Old Town safety fund (last year)", budget=200_000,
        explanation="Old Town's 200,000 safety fund. Voting has closed.", max_ranks=4, min_ranks=1,
        age_min=None, age_max=None, opens_at=opens, closes_at=closes, rule="mes", candidate_ids=ids,
    ), ctx.accounts["council"])
    rng = random.Random(SEED)
    # Camp A (60%) wants the big infrastructure projects; camp B (40%) the cheaper community ones.
    camp_a = [5, 4, 1, 1, 6, 0.5, 0.5, 2]
    camp_b = [0.5, 1, 4, 1, 0.3, 5, 5, 2]
    bands = ["18-24", "25-44", "25-44", "45-64", "65+", "12-17", ""]
    codes = await service.generate_codes(ballot_id, CLOSED_BALLOTS, "Old Town events")
    staff = (ctx.accounts["council"], ctx.accounts["council2"])
    for n in range(CLOSED_BALLOTS):
        ranking = _ranking(rng, ids, camp_a if rng.random() < 0.6 else camp_b, 4)
        band = rng.choice(bands)
        if n % 4 == 3:  # a quarter came in on paper, typed in twice
            for who in staff:
                await service.enter_paper(ballot_id, who, f"OT-{n:04d}", ranking, band, now=during)
        else:
            match = await service.find_code(codes[n], now=during)
            assert match is not None
            await service.cast_with_code(ballot_id, match.code_id, ranking, band, now=during)
    ctx.extra["closed_ballot_id"] = ballot_id
    ctx.notes.append(f"Closed ballot with {CLOSED_BALLOTS} cast ballots: /ballots/{ballot_id}")


DEMO_STEPS: list[DemoStep] = [
    ("Ballot candidates", _candidates),
    ("Open ballots with codes and cast ballots", _open_ballots),
    ("A closed ballot with 150 ballots", _closed_ballot),
]
