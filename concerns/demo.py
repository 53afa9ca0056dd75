"""Demo concerns: two months of reports across every category, neighborhood and channel, in every
state, with some overdue, some disputed and many anonymous; an oversight body member and a community
partner to sign in as; and an Open311 key for trying the API."""

from __future__ import annotations

import datetime as dt
import random

import msgspec

from concerns import open311, rules, service
from concerns.schemas import CategoryInput, ConcernInput, StatusChange
from server import clock
from server.accounts.service import create_user
from server.current_user import load_viewer
from server.demo import DEMO_PASSWORD, DemoContext, DemoStep

# code, name, description, team, first response days, resolution days, sensitive, oversight
CATEGORIES = [
    ("lighting", "Broken or missing street lights", "A street, path or underpass that is dark at night.",
     "Public Works – Lighting", 2, 14, False, False),
    ("traffic", "Dangerous traffic or crossing", "Speeding, a missing crossing, a blind corner near a school.",
     "Transport Safety Team", 3, 45, False, False),
    ("dumping", "Dumping and abandoned buildings", "Rubbish, syringes or an empty building that feels unsafe.",
     "Environmental Services", 2, 21, False, False),
    ("harassment", "Harassment in public space", "Street harassment, intimidation or threats in a public place.",
     "Community Safety Team", 1, 30, True, False),
    ("noise", "Neighbour disputes and noise", "Ongoing conflict or noise that could escalate.",
     "Mediation Service", 3, 30, False, False),
    ("youth", "Young people at risk", "Young people who seem unsafe or are being drawn into harm.",
     "Youth Services", 1, 30, True, False),
    ("conduct", "How an officer or staff member treated you",
     "A complaint about the conduct of a police officer or council staff member. Read only by the Civilian "
     "Review Board, never by council staff.", "Civilian Review Board", 5, 60, False, True),
]

DESCRIPTIONS = {
    "lighting": ["The lamp at the corner has been out for a week and the path to the bus stop is pitch dark.",
                 "Two lights in the underpass flicker and go off after ten at night.",
                 "The park path has no light at all between the gate and the playground."],
    "traffic": ["Cars speed past the school gate every morning; there is no crossing.",
                "The corner by the bakery is blind and cyclists are nearly hit every day.",
                "The pedestrian light turns red before older people can cross."],
    "dumping": ["Mattresses and bags of rubbish have been left behind the shops for days.",
                "Needles in the grass next to the children's play area.",
                "The empty house has its door open and people sleep inside in the cold."],
    "harassment": ["A group follows women from the station and shouts at them in the evening.",
                   "I am threatened every time I walk past the car park."],
    "noise": ["Loud music every night until three; talking to them made it worse.",
              "A dispute between neighbours over parking is getting aggressive."],
    "youth": ["Younger children are being asked to carry packages for older teenagers.",
              "Teenagers sleeping in the stairwell; they seem to have nowhere to go."],
    "conduct": ["An officer searched my son in the street without explaining why and was rude to him.",
                "A council warden shouted at me and threw away my stall without warning."],
}
PLACES = {"Riverside": ["14 Canal Road", "Elm Street 3", "Riverside Park", "220 Mill Lane"],
          "Hillcrest": ["8 Summit Avenue", "Hillcrest station", "41 Orchard Way"],
          "Old Town": ["5 Market Square", "High Street 112", "Castle Steps"],
          "Eastgate": ["77 Harbour Road", "Eastgate shopping centre", "9 Dock Street"]}
POINTS = {"Riverside": (51.5072, -0.1276), "Hillcrest": (51.5200, -0.1000), "Old Town": (51.5000, -0.1400),
          "Eastgate": (51.5100, -0.0700)}
NOTES = {
    rules.ACKNOWLEDGED: "Thank you. We have read your report and will look at it this week.",
    rules.IN_PROGRESS: "A team visited the place and work has started.",
    rules.RESOLVED: "The problem was fixed. Please tell us if it is not.",
    rules.REFERRED: "This needs the outreach team; we passed it to them with your report.",
    rules.NOT_ACTIONABLE: "We looked at the place twice and could not find the problem described; please add "
                          "details if it happens again.",
    rules.DUPLICATE: "Another resident reported the same problem; we follow it there.",
}
METHOD_FOR = {"lighting": "repair", "traffic": "repair", "dumping": "repair", "harassment": "patrol",
              "noise": "mediation", "youth": "service_referral", "conduct": "mediation"}
REFER_TO = {"youth": "Youth Services outreach", "noise": "Housing association", "harassment": "Mental-health team"}


async def _concerns(ctx: DemoContext) -> None:
    rng = random.Random(17)
    for key, name, email, role in [("oversight", "Ruth Mensah (Review Board)", "oversight@demo.townsquare.example",
                                    "oversight"),
                                   ("partner", "Karim Aziz (Youth Centre)", "partner@demo.townsquare.example",
                                    "partner")]:
        if key not in ctx.accounts:
            ctx.accounts[key] = (await create_user(name, email, DEMO_PASSWORD, "Eastgate", 1980, role)).id
    council = await load_viewer(ctx.accounts["council"])
    oversight = await load_viewer(ctx.accounts["oversight"])
    assert council is not None and oversight is not None
    cats = {}
    for code, name, description, team, first, resolution, sensitive, is_oversight in CATEGORIES:
        cats[code] = await service.save_category(CategoryInput(code, name, description, team, first, resolution,
                                                               sensitive, is_oversight))
    hoods = {name: hood_id for name, hood_id in ctx.neighborhoods.items()}
    residents = [ctx.accounts[k] for k in ("resident", "neighbor", "hillcrest", "oldtown", "youth")
                 if k in ctx.accounts]
    now = clock.now()
    codes_shown: list[str] = []
    weights = {"lighting": 14, "traffic": 9, "dumping": 10, "harassment": 6, "noise": 7, "youth": 5, "conduct": 5}
    plan = [code for code, n in weights.items() for _ in range(n)]
    rng.shuffle(plan)
    for index, code in enumerate(plan):
        hood = rng.choice(sorted(hoods))
        received = now - dt.timedelta(days=rng.uniform(1, 61), hours=rng.uniform(0, 10))
        identity = rng.choice(["anonymous", "anonymous", "private", "named"])
        channel = "web"
        if identity == "anonymous":
            channel = rng.choice(["web", "web", "web", "phone", "paper", "in_person", "outreach", "partner"])
        account = rng.choice(residents) if identity != "anonymous" else None
        lat, long = POINTS[hood]
        data = ConcernInput(
            category_id=cats[code], neighborhood_id=hoods[hood], description=rng.choice(DESCRIPTIONS[code]),
            identity=identity, description_public=rng.random() < 0.7, language=rng.choice(["en", "en", "es", "ar"]),
            address=rng.choice(PLACES[hood]), lat=lat + rng.uniform(-0.004, 0.004) if rng.random() < 0.5 else None,
            long=None)
        if data.lat is not None:
            data = msgspec.structs.replace(data, long=long + rng.uniform(-0.004, 0.004))
        entered_by = None if channel == "web" else (ctx.accounts["partner"] if channel == "partner"
                                                    else ctx.accounts["council"])
        submitted = await service.submit(data, account_id=account, channel=channel, entered_by=entered_by,
                                         now=received)
        if submitted.code and len(codes_shown) < 2 and channel == "web":
            codes_shown.append(f"  concern {submitted.id}: {submitted.code}")
        staff = oversight if code == "conduct" else council
        age = (now - received).days
        # Older concerns are further along; a few are left unanswered so that some are overdue.
        if age < 2 or index % 11 == 0:
            continue
        step_at = received + dt.timedelta(hours=rng.uniform(3, 60))
        await service.change_status(submitted.id, staff, StatusChange(rules.ACKNOWLEDGED, NOTES[rules.ACKNOWLEDGED]),
                                    now=min(step_at, now))
        if age < 6 or index % 7 == 0:
            continue
        step_at += dt.timedelta(days=rng.uniform(1, 5))
        await service.change_status(submitted.id, staff, StatusChange(rules.IN_PROGRESS, NOTES[rules.IN_PROGRESS]),
                                    now=min(step_at, now))
        if age < 12 or index % 5 == 0:
            continue
        step_at += dt.timedelta(days=rng.uniform(1, min(age - 5, 25)))
        ending = rng.choice([rules.RESOLVED] * 6 + [rules.REFERRED, rules.NOT_ACTIONABLE, rules.DUPLICATE])
        if ending == rules.REFERRED and code not in REFER_TO:
            ending = rules.RESOLVED
        change = StatusChange(ending, NOTES[ending], referred_to=REFER_TO.get(code, ""),
                              duplicate_of=submitted.id - 1 if ending == rules.DUPLICATE and submitted.id > 1
                              else None,
                              method=METHOD_FOR[code] if ending == rules.RESOLVED else None,
                              without_escalation=(METHOD_FOR[code] != "enforcement" and rng.random() < 0.85)
                              if ending == rules.RESOLVED else None)
        if ending == rules.DUPLICATE and change.duplicate_of is None:
            continue
        await service.change_status(submitted.id, staff, change, now=min(step_at, now))
        if ending == rules.RESOLVED and index % 6 == 1 and age > 20:
            later = min(step_at + dt.timedelta(days=2), now)
            await service.dispute(submitted.id, "It worked for two nights and now it is the same again.",
                                  viewer=None, holds_code=True, now=later)
        elif ending == rules.RESOLVED and index % 4 == 0:
            await service.confirm(submitted.id, holds_code=True, now=min(step_at + dt.timedelta(days=1), now))
    key = await open311.issue_key("Demo partner app", ctx.accounts["council"])
    ctx.notes.append("Concerns: follow-up codes of two anonymous demo concerns (check them at /concerns/followup):")
    ctx.notes.extend(codes_shown)
    ctx.notes.append("  oversight  oversight@demo.townsquare.example   Ruth Mensah (Review Board)")
    ctx.notes.append("  partner    partner@demo.townsquare.example     Karim Aziz (Youth Centre)")
    ctx.notes.append(f"  Open311 API key for POST /open311/v2/requests.json: {key}")


DEMO_STEPS: list[DemoStep] = [("Concerns", _concerns)]
