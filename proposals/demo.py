"""Demo data for proposals: two budget cycles, with proposals in every state.

- "<year> Safety Fund" (ctx.extra["cycle_id"]) is in its VOTING phase today: its proposals were
  collected, supported and reviewed (feasible with final costs, not feasible with reasons, one
  merged duplicate, one draft never submitted), so the ballots demo has a full list to vote on.
- "Spring <next year>" (ctx.extra["spring_cycle_id"]) is in IDEA COLLECTION today, so anyone who
  signs in (or signs up) can submit, edit and support a proposal right away.

Everything goes through the service, so the demo obeys the same phase rules as people do: the main
cycle's dates are moved forward step by step while its story is played out, then set to today's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from proposals import service
from proposals.schemas import CycleInput, ProposalInput, ReviewInput
from proposals.tables import Proposal, ProposalRevision, ReviewDecision
from server import clock
from server.accounts.service import create_user
from server.demo import DEMO_PASSWORD, DemoContext


def _dates(today: dt.date, offsets: tuple[int, ...]) -> dict[str, dt.date]:
    names = ("ideas_open", "deliberation_open", "review_open", "voting_open", "results_open", "delivery_open",
             "delivery_close")
    return {n: today + dt.timedelta(days=o) for n, o in zip(names, offsets, strict=True)}


# Main cycle: voting opened 3 days ago and runs two weeks.
MAIN_NOW = (-75, -45, -25, -3, 11, 25, 365)
MAIN_IDEAS = (-1, 30, 50, 72, 86, 100, 440)
MAIN_REVIEW = (-51, -21, -1, 21, 35, 49, 389)
# Spring cycle: idea collection opened a week ago and stays open three more weeks.
SPRING_NOW = (-7, 21, 35, 49, 63, 70, 365)


def _p(title: str, summary: str, description: str, category: str, cost: int, location: str = "",
       co: tuple[str, ...] = ()) -> ProposalInput:
    return ProposalInput(title, summary, description, category, cost, location, co)


# key -> (author key, proposal, supporter keys)
MAIN: dict[str, tuple[str, ProposalInput, tuple[str, ...]]] = {
    "river_lights": ("resident", _p(
        "Better street lighting on the river path",
        "Replace the broken lamps and add new LED lights between the footbridge and the boathouse.",
        "The river path is the shortest way home from the bus stop, but after 5 pm in winter it is dark.\n\n"
        "- 12 of the 30 lamps are broken\n- there are no lights at all under the rail bridge\n\n"
        "Warm-white LED lamps would let people see each other's faces without lighting up bedrooms.",
        "street_lighting", 48_000, "River path, footbridge to boathouse"),
        ("neighbor", "youth")),
    "lincoln_routes": ("neighbor", _p(
        "Safe routes to Lincoln Elementary",
        "Raised crosswalks, crossing guards and a walking school bus on Elm Street.",
        "Children cross four lanes of Elm Street to reach **Lincoln Elementary**. Cars speed before 8:30.\n\n"
        "We propose two raised crosswalks, a paid crossing guard for the morning and afternoon, and "
        "volunteer-led walking school buses from the Riverside apartments.",
        "safe_routes", 85_000, "Elm Street at Lincoln Elementary", ("resident@demo.townsquare.example",)),
        ("youth",)),
    "mentoring": ("youth", _p(
        "Youth mentoring at the rec center",
        "Weekly mentoring evenings pairing teenagers with trained adult mentors.",
        "Many of us have nowhere to go after school. A mentoring program at the Riverside rec center "
        "would give teens a trusted adult, homework help and a safe place until 9 pm.",
        "youth_programs", 30_000, "Riverside Recreation Center"),
        ("resident", "neighbor")),
    "co_responders": ("resident", _p(
        "Mental-health co-responders for crisis calls",
        "Send a trained mental-health worker with, or instead of, police to crisis calls.",
        "When someone is in a mental-health crisis, a counselor is often what helps. This funds two "
        "co-responders for evening shifts, working from the Riverside fire station.",
        "mental_health", 120_000, "Riverside fire station"),
        ("neighbor",)),
    "circles": ("neighbor", _p(
        "Restorative justice circles at Riverside High",
        "Train staff and students to run restorative circles instead of suspensions.",
        "Restorative circles bring together the people harmed and the people who caused harm to agree "
        "on how to repair it. Schools that use them see fewer suspensions and fewer fights.",
        "restorative", 25_000, "Riverside High School"),
        ("youth",)),
    "night_league": ("youth", _p(
        "Summer night basketball league",
        "Free evening basketball with coaches and food, June to August.",
        "Summer nights are when trouble starts. A league with coaches, music and food keeps the courts "
        "busy with games instead.",
        "youth_programs", 18_000, "Riverside Park courts"),
        ("resident", "neighbor")),
    "lamps_dup": ("neighbor", _p(
        "Lamps for the river path",
        "Fix the lamps along the river so people can walk home safely.",
        "The lamps along the river path have been broken for months. Please fix them.",
        "street_lighting", 30_000, "River path"),
        ("youth",)),
    "cameras": ("neighbor", _p(
        "Security cameras on every street corner",
        "Install cameras on every corner in Riverside.",
        "Cameras would deter crime and help find people who break the law.",
        "other", 250_000, "All of Riverside"),
        ()),
    "transit_training": ("hillcrest", _p(
        "De-escalation training for transit staff",
        "Train bus drivers and station staff to calm conflicts before they escalate.",
        "Drivers on the Hillcrest lines face conflicts every week. A two-day de-escalation course, with "
        "refreshers, would make rides safer for riders and staff.",
        "de_escalation", 40_000, "Hillcrest bus depot"),
        ("council2",)),
    "teen_dropin": ("hillcrest", _p(
        "Teen drop-in evenings at the Hillcrest library",
        "Open the library's basement room for teens three evenings a week, with youth workers.",
        "Teens in Hillcrest have no free indoor space after 6 pm. Youth workers, games and study space.",
        "youth_programs", 60_000, "Hillcrest Library"),
        ()),
    "steps_lighting": ("hillcrest", _p(
        "Lighting on the Hillcrest steps",
        "Light the 140 public steps between Ridge Road and the valley.",
        "The Hillcrest steps are a key shortcut and completely dark at night.",
        "street_lighting", 22_000, "Hillcrest steps, Ridge Road"),
        ()),
    "speed_cameras": ("hillcrest", _p(
        "Speed cameras on Ridge Road",
        "Automated speed cameras at both ends of Ridge Road.",
        "Drivers race down Ridge Road. Speed cameras would slow them down.",
        "safe_routes", 90_000, "Ridge Road"),
        ()),
    "library_arts": ("oldtown", _p(
        "Youth arts workshops at the Old Town library",
        "Free mural, music and video workshops for 12 to 18 year olds.",
        "Creative workshops give teens a place, a skill and a voice. Their murals will brighten the "
        "underpass on Market Street.",
        "youth_programs", 15_000, "Old Town Library"),
        ()),
    "bus_hub": ("eastgate", _p(
        "Safe crossing at the Eastgate bus hub",
        "A signalled crossing and better lighting where riders cross to the bus hub.",
        "Riders run across six lanes to catch buses at the Eastgate hub. A signalled crossing is overdue.",
        "safe_routes", 70_000, "Eastgate bus hub"),
        ()),
}

# key -> (decision, final cost, ballot eligible, reason, merge into key)
DECISIONS: dict[str, tuple[str, int | None, bool, str, str]] = {
    "river_lights": ("feasible", 52_000, True, "", ""),
    "lincoln_routes": ("feasible", 78_000, True, "", ""),
    "mentoring": ("feasible", 32_000, True, "", ""),
    "co_responders": ("feasible", 110_000, True, "", ""),
    "circles": ("feasible", 25_000, True, "", ""),
    "night_league": ("feasible", 20_000, True, "", ""),
    "lamps_dup": ("merged", None, False, "Same lamps as “Better street lighting on the river path”.",
                  "river_lights"),
    "cameras": ("not_feasible", None, False,
                "Cameras on every corner would cost more than Riverside's whole fund, and the city's "
                "surveillance ordinance requires a separate public hearing for new cameras.", ""),
    "transit_training": ("feasible", 45_000, True, "", ""),
    "teen_dropin": ("feasible", 55_000, True, "", ""),
    "steps_lighting": ("feasible", 24_000, True, "", ""),
    "speed_cameras": ("not_feasible", None, False,
                      "State law does not allow cities to run automated speed cameras on Ridge Road, a "
                      "state highway. The council has asked the state for traffic calming instead.", ""),
    "library_arts": ("feasible", 16_000, True, "", ""),
    "bus_hub": ("feasible", 72_000, True, "", ""),
}

SPRING: dict[str, tuple[str, ProposalInput, tuple[str, ...], bool]] = {
    "playground": ("neighbor", _p(
        "Lights and benches at the Riverside Park playground",
        "Make the playground a place parents can stay after dark in winter.",
        "Add four lamps and six benches around the playground so families can stay and keep an eye out.",
        "community_spaces", 26_000, "Riverside Park"), ("resident", "youth"), True),
    "peer_mediators": ("hillcrest", _p(
        "Peer mediators at Hillcrest Middle School",
        "Train students to help classmates settle conflicts before they become fights.",
        "A trained group of student mediators, supported by a counselor, meets students in conflict.",
        "restorative", 12_000, "Hillcrest Middle School"), ("council2",), True),
    "skate_lights": ("youth", _p(
        "Lights at the skatepark",
        "Light the skatepark so it stays open until 9 pm.",
        "Draft: still collecting prices for the lamps.",
        "street_lighting", 14_000, "Riverside skatepark"), (), False),
}

EXTRA_ACCOUNTS = {
    "oldtown": ("Priya Nair", "priya@demo.townsquare.example", "Old Town", 1983),
    "eastgate": ("Marcus Bell", "marcus@demo.townsquare.example", "Eastgate", 1972),
}


async def _accounts(ctx: DemoContext) -> None:
    for key, (name, email, hood, year) in EXTRA_ACCOUNTS.items():
        viewer = await create_user(name, email, DEMO_PASSWORD, hood, year, "resident")
        ctx.accounts[key] = viewer.id


async def _hood_of(account_id: int) -> int:
    from server.accounts.tables import Account

    row = await Account.select(Account.neighborhood).where(Account.id == account_id).first()
    return row["neighborhood"]


async def _backdate(ids: dict[str, int], submitted: dt.date, reviewed: dt.date) -> None:
    # The story is played out in seconds; spread its timestamps over the phases it happened in.
    for index, pid in enumerate(ids.values()):
        at = dt.datetime.combine(submitted + dt.timedelta(days=index % 20), dt.time(18, 30), dt.UTC)
        await Proposal.update({Proposal.created_at: at, Proposal.submitted_at: at, Proposal.updated_at: at}).where(
            Proposal.id == pid)
        await ProposalRevision.update({ProposalRevision.created_at: at}).where(
            (ProposalRevision.proposal == pid) & (ProposalRevision.kind != "edited"))
        await ProposalRevision.update({ProposalRevision.created_at: at + dt.timedelta(days=4, hours=2)}).where(
            (ProposalRevision.proposal == pid) & (ProposalRevision.kind == "edited"))
        decided = dt.datetime.combine(reviewed + dt.timedelta(days=index % 15), dt.time(10, 0), dt.UTC)
        await ReviewDecision.update({ReviewDecision.created_at: decided}).where(ReviewDecision.proposal == pid)


async def _main_cycle(ctx: DemoContext) -> None:
    today = clock.today()
    name = f"{today.year} Safety Fund"
    cycle = await service.create_cycle(CycleInput(name=name, **_dates(today, MAIN_IDEAS)))
    ids: dict[str, int] = {}
    for key, (author, data, _supporters) in MAIN.items():
        author_id = ctx.accounts[author]
        ids[key] = await service.create_proposal(author_id, await _hood_of(author_id), cycle.id, data, submit=True)
    first = _fields(MAIN["river_lights"][1])
    first["description"] = first["description"].replace("12 of the 30", "14 of the 30") + (
        "\n\nUpdate: the parks department counted 14 broken lamps, not 12.")
    await service.update_proposal(ids["river_lights"], ctx.accounts["resident"], ProposalInput(**first))
    for key, (_author, _data, supporters) in MAIN.items():
        for who in supporters:
            await service.support(ids[key], ctx.accounts[who])
    await service.follow(ids["lincoln_routes"], ctx.accounts["youth"])
    await service.follow(ids["co_responders"], ctx.accounts["hillcrest"])
    # A draft that was never submitted: only its author sees it.
    await service.create_proposal(ctx.accounts["resident"], await _hood_of(ctx.accounts["resident"]), cycle.id,
                                  _p("Community garden on the Mill Street lot",
                                     "Turn the empty lot into a garden neighbors look after together.",
                                     "Still working on this one with the Mill Street block club.",
                                     "community_spaces", 35_000, "Mill Street lot"), submit=False)
    await service.update_cycle(cycle.id, CycleInput(name=name, **_dates(today, MAIN_REVIEW)))
    for key, (decision, cost, eligible, reason, into) in DECISIONS.items():
        reviewer = ctx.accounts["council2" if MAIN[key][0] == "hillcrest" else "council"]
        await service.review(ids[key], reviewer, ReviewInput(decision, reason, cost, eligible,
                                                             ids[into] if into else None))
    await service.update_cycle(cycle.id, CycleInput(name=name, **_dates(today, MAIN_NOW)))
    await _backdate(ids, today + dt.timedelta(days=MAIN_NOW[0] + 2), today + dt.timedelta(days=MAIN_NOW[2] + 1))
    ctx.extra["cycle_id"] = cycle.id
    ctx.extra["proposal_ids"] = ids
    ctx.notes.append(f"Budget cycles: “{name}” is in voting (reviewed proposals, ballots);")


def _fields(data: ProposalInput) -> dict[str, Any]:
    return {f: getattr(data, f) for f in data.__struct_fields__}


async def _spring_cycle(ctx: DemoContext) -> None:
    today = clock.today()
    name = f"Spring {today.year + 1}"
    cycle = await service.create_cycle(CycleInput(name=name, **_dates(today, SPRING_NOW)))
    ids: dict[str, int] = {}
    for key, (author, data, supporters, submit) in SPRING.items():
        author_id = ctx.accounts[author]
        ids[key] = await service.create_proposal(author_id, await _hood_of(author_id), cycle.id, data, submit=submit)
        for who in supporters:
            await service.support(ids[key], ctx.accounts[who])
    ctx.extra["spring_cycle_id"] = cycle.id
    ctx.notes.append(f"  “{name}” is collecting ideas now: sign in and propose a project at /proposals/new.")


DEMO_STEPS = [
    ("Proposal authors", _accounts),
    ("Budget cycle with reviewed proposals", _main_cycle),
    ("Budget cycle collecting ideas", _spring_cycle),
]
