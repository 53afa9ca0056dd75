"""Demo delivery: funded projects in every status with dated updates, setbacks, an overdue
milestone and a few photos (small PNGs drawn here, so no binary files ship with the code).

Items are made from feasible proposals that the proposals demo created; on a branch without that
demo, a demo cycle and proposals are created here. `ballot_id` stays None: ballots are built
elsewhere and the column is a plain integer, not a foreign key."""

from __future__ import annotations

import datetime as dt
import struct
import zlib

from delivery import service
from delivery.tables import DeliveryFollow, DeliveryItem, DeliveryUpdate, Milestone
from proposals.tables import BudgetCycle, Proposal
from server import clock, photos
from server.demo import DemoContext, DemoStep
from server.storage import storage_from_env

# Projects funded two budget cycles ago, still being delivered: (neighborhood, author, title, summary,
# cost, category). Never the proposals of a vote that is still open or was not won.
FALLBACK_PROPOSALS = [
    ("Riverside", "resident", "Lamps in the Canal Road underpass", "Replace the broken lamps in the underpass.",
     42000, "street_lighting"),
    ("Riverside", "neighbor", "Crossing guard booth on Elm Street", "A heated booth for the school crossing guard.",
     65000, "safe_routes"),
    ("Riverside", "youth", "Youth mentoring evenings", "Weekly mentoring and sport at the community hall.",
     30000, "youth_programs"),
    ("Riverside", "resident", "Bike lane separators on Canal Road", "Flexible posts between the bike lane and "
     "traffic.", 28000, "safe_routes"),
    ("Hillcrest", "hillcrest", "Community garden lighting", "Solar lights so the garden stays open after dark.",
     18000, "street_lighting"),
    ("Old Town", "oldtown", "Lit stairway to the car park", "Lights and a handrail on the stairway from the "
     "car park to the high street.", 55000, "street_lighting"),
    ("Hillcrest", "hillcrest", "Mental-health first responders", "Train two responders for non-violent calls.",
     48000, "mental_health"),
]

# What the demo's dated updates say depends on the project they are about: a lighting project does not
# recruit volunteers, and shelters are not cancelled over cameras.
PLANNED_NOTES = {
    "Senior walking groups": "We are recruiting volunteer walk leaders. Sign-ups open next month.",
    "Youth mentoring evenings": "We are booking the community hall and recruiting mentors. Sign-ups open "
                                "next month.",
}
CANCEL_REASONS = {
    "Market square cameras review": "After the public consultation, residents and the council agreed that a "
                                    "review of the square's cameras would not make people feel safer, and the "
                                    "cameras are being removed anyway.",
    "Night bus stop shelters": "The transit authority will rebuild these four stops itself next spring, with "
                               "lit and covered shelters, as part of its own programme.",
}

STEPS = ["Site survey", "Contract signed", "Work starts", "Work finished", "Hand-over to residents"]


def _png(width: int, height: int, sky: tuple[int, int, int], ground: tuple[int, int, int]) -> bytes:
    """A tiny picture (sky, ground and a lamp post) as PNG bytes, using only the standard library."""
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter type 0
        for x in range(width):
            pixel = sky if y < height * 2 // 3 else ground
            if width // 2 - 1 <= x <= width // 2 and y > height // 5:
                pixel = (40, 40, 40)
            if abs(x - width // 2) < 4 and height // 6 <= y <= height // 5 + 1:
                pixel = (255, 220, 80)
            row.extend(pixel)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + chunk(b"IEND", b""))


async def _published_items() -> list[tuple[int, int, int, str]]:
    """Items that a published result already made (item id, proposal id, allocated, title)."""
    rows = await DeliveryItem.select(DeliveryItem.id, DeliveryItem.proposal, DeliveryItem.allocated,
                                     DeliveryItem.proposal.title.as_alias("title")).order_by(DeliveryItem.id)
    return [(r["id"], r["proposal"], r["allocated"], r["title"]) for r in rows]


async def _proposals(ctx: DemoContext, skip: set[int], wanted: int) -> list[tuple[int, int, str]]:
    """Projects funded in an earlier cycle. Not other feasible proposals: those are still on an open
    ballot or lost their vote, and showing them as funded would contradict the ballot pages."""
    if wanted <= 0:
        return []
    today = clock.today()
    cycle = await BudgetCycle.insert(BudgetCycle(
        name="Safety budget two years ago", ideas_open=today - dt.timedelta(days=400),
        deliberation_open=today - dt.timedelta(days=370), review_open=today - dt.timedelta(days=340),
        voting_open=today - dt.timedelta(days=310), results_open=today - dt.timedelta(days=290),
        delivery_open=today - dt.timedelta(days=280), delivery_close=today + dt.timedelta(days=300),
    )).returning(BudgetCycle.id)
    made = []
    for hood, author, title, summary, cost, category in FALLBACK_PROPOSALS[:wanted]:
        inserted = await Proposal.insert(Proposal(
            cycle=cycle[0]["id"], neighborhood=ctx.neighborhoods[hood], author=ctx.accounts[author],
            title=title, summary=summary, description=summary, category=category, estimated_cost=cost,
            status="feasible", final_cost=cost, ballot_eligible=True, submitted_at=dt.datetime.now(dt.UTC),
        )).returning(Proposal.id)
        made.append((inserted[0]["id"], cost, title))
    return made


async def _delivery(ctx: DemoContext) -> None:
    today = clock.today()
    council = ctx.accounts["council"]
    upload_dir = storage_from_env()  # where the app serves uploads from (local or shared storage)
    # The projects of a published result come first (so last year's result shows its delivery), then
    # other feasible proposals until every status can be shown.
    published = await _published_items()
    extra = await _proposals(ctx, {p for _, p, _, _ in published}, len(FALLBACK_PROPOSALS) - len(published))
    extra_ids = await service.create_delivery_items(None, [(pid, cost) for pid, cost, _ in extra])
    chosen = [(pid, cost, title) for _, pid, cost, title in published] + extra
    ids = [item for item, _, _, _ in published] + extra_ids

    def day(offset: int) -> dt.date:
        return today + dt.timedelta(days=offset)

    def moment(offset: int) -> dt.datetime:
        return dt.datetime.combine(day(offset), dt.time(10, 30), tzinfo=dt.UTC)

    async def milestones(item: int, plan: list[tuple[int, int | None]]) -> None:
        for name, (planned, actual) in zip(STEPS, plan, strict=False):
            await Milestone.insert(Milestone(item=item, name=name, planned_date=day(planned),
                                             actual_date=day(actual) if actual is not None else None))

    async def update(item: int, offset: int, body: str, *, old: str | None = None, new: str | None = None,
                     setback: bool = False, photo: tuple[bytes, str] | None = None) -> None:
        name = photos.store_photo(upload_dir, photo[0], "image/png") if photo else None
        await DeliveryUpdate.insert(DeliveryUpdate(
            item=item, author=council, body=body, status_from=old, status_to=new, setback=setback,
            photo_name=name, photo_type="image/png" if name else None, photo_alt=photo[1] if photo else None,
            created_at=moment(offset)))

    async def state(item: int, status: str, percent: int, spent: int) -> None:
        await DeliveryItem.update({DeliveryItem.status: status, DeliveryItem.percent_complete: percent,
                                   DeliveryItem.spent: spent, DeliveryItem.updated_at: dt.datetime.now(dt.UTC)}).where(
            DeliveryItem.id == item)

    completed, in_progress, planned, stalled, overdue, cancelled, *rest = ids
    allocated = {i: cost for i, (_, cost, _) in zip(ids, chosen, strict=True)}
    titles = {i: title for i, (_, _, title) in zip(ids, chosen, strict=True)}

    # Completed, every milestone done, with before/after photos.
    await milestones(completed, [(-250, -252), (-220, -218), (-190, -185), (-120, -118), (-100, -98)])
    await update(completed, -185, "Work has started. Crews are on site on weekdays from 8 to 4.",
                 old="planned", new="in_progress",
                 photo=(_png(240, 160, (120, 150, 190), (90, 110, 70)),
                        f"Illustration: the site of “{titles[completed]}” before work started, at dusk."))
    await update(completed, -98, "**Finished.** All work is done and was handed over to residents on schedule. "
                 "Thank you to everyone who voted for it.", old="in_progress", new="completed",
                 photo=(_png(240, 160, (20, 30, 70), (60, 80, 60)),
                        f"Illustration: “{titles[completed]}” finished, at night."))
    await state(completed, "completed", 100, allocated[completed] - 1200)

    # In progress and on track.
    await milestones(in_progress, [(-90, -92), (-60, -58), (-20, -21), (40, None), (70, None)])
    await update(in_progress, -21, "Work started this week. Expect some noise near the site until next month.",
                 old="planned", new="in_progress",
                 photo=(_png(240, 160, (150, 180, 210), (120, 100, 80)),
                        f"Illustration: the site of “{titles[in_progress]}” with work under way."))
    await update(in_progress, -5, "About half done. Materials arrived on time and the budget is holding.")
    await state(in_progress, "in_progress", 55, allocated[in_progress] // 2)

    # Planned, nothing late yet.
    await milestones(planned, [(15, None), (45, None), (80, None)])
    await update(planned, -10, PLANNED_NOTES.get(titles[planned], "The contract is out to tender; we expect "
                                                 "to choose a contractor next month and start soon after."))

    # Stalled: a setback, explained.
    await milestones(stalled, [(-120, -121), (-80, -79), (-40, -38), (20, None)])
    await update(stalled, -38, "Installation started on the first stretch.", old="planned", new="in_progress")
    await update(stalled, -12, "**Setback:** the supplier of the posts went out of business, so work has "
                 "stopped. We are asking two other suppliers for prices and will report back within a month. "
                 "No money has been lost: the deposit is protected.", old="in_progress", new="stalled", setback=True)
    await state(stalled, "stalled", 30, allocated[stalled] // 4)

    # In progress with an overdue milestone.
    await milestones(overdue, [(-70, -71), (-30, -29), (-9, None), (30, None)])
    await update(overdue, -29, "Contract signed; the electrician will start soon.", old="planned", new="in_progress")
    await state(overdue, "in_progress", 35, allocated[overdue] // 3)

    # Cancelled, with the reason.
    await milestones(cancelled, [(-100, -100), (-60, None)])
    reason = CANCEL_REASONS.get(titles[cancelled], "The site turned out to belong to the state, which will do "
                                "this work itself next year.")
    await update(cancelled, -45, f"{reason} The project is cancelled and its money returns to next year's fund.",
                 old="planned", new="cancelled", setback=True)
    await state(cancelled, "cancelled", 0, 0)

    for item in rest:
        await milestones(item, [(20, None), (60, None)])

    for item in (completed, stalled, in_progress):
        await DeliveryFollow.insert(DeliveryFollow(item=item, account=ctx.accounts["resident"]))
    ctx.extra["delivery_item_ids"] = ids
    ctx.notes.append("Delivery: /delivery (council reports at /council/delivery, feed at /feeds/delivery.atom)")


DEMO_STEPS: list[DemoStep] = [("Delivery of funded projects", _delivery)]
