"""Demo: last year's closed Old Town ballot is counted and its result published, then corrected once,
so a new user sees a published result, a correction, and (from the delivery demo) its projects."""

from __future__ import annotations

from ballots.counting.service import count_ballot
from ballots.results.service import publish
from server.demo import DemoContext, DemoStep

STATEMENT = (
    "Thank you to the 150 Old Town residents who voted, online, with access codes and on paper.\n\n"
    "The funded projects below start this season; follow each one on its delivery page, where we post "
    "progress and setbacks. The anonymous ballots are published with this result so anyone can recount it."
)
CORRECTION = "The first version's statement gave the wrong date for the first community update meeting."


async def _publish(ctx: DemoContext) -> None:
    ballot_id = ctx.extra.get("closed_ballot_id")
    if not isinstance(ballot_id, int):
        return
    run = await count_ballot(ballot_id)
    council = ctx.accounts["council"]
    await publish(ballot_id, run.id, STATEMENT + "\n\nFirst community update meeting: 3 March.", council)
    await publish(ballot_id, run.id, STATEMENT + "\n\nFirst community update meeting: 10 March.", council,
                  correction_reason=CORRECTION)
    ctx.extra["published_ballot_id"] = ballot_id
    ctx.notes.append(f"Published result (with a correction): /ballots/{ballot_id}/results")


DEMO_STEPS: list[DemoStep] = [("Counting and publishing last year's result", _publish)]
