"""Helpers for the delivery tests: a feasible proposal and its delivery item."""

from __future__ import annotations

import datetime as dt
import itertools

from support import make_account, make_neighborhood

from delivery.service import create_delivery_items
from proposals.tables import BudgetCycle, Proposal
from server import clock

_n = itertools.count(1)


async def make_proposal(title: str | None = None, *, neighborhood_id: int | None = None, cost: int = 10000) -> int:
    today = clock.today()
    cycle = await BudgetCycle.insert(BudgetCycle(
        name=f"Cycle {next(_n)}", ideas_open=today, deliberation_open=today, review_open=today, voting_open=today,
        results_open=today, delivery_open=today, delivery_close=today + dt.timedelta(days=365),
    )).returning(BudgetCycle.id)
    hood = neighborhood_id or await make_neighborhood("Riverside")
    author = await make_account("resident", neighborhood_id=hood)
    rows = await Proposal.insert(Proposal(
        cycle=cycle[0]["id"], neighborhood=hood, author=author.id, title=title or f"Project {next(_n)}",
        summary="A safety project", category="lighting", estimated_cost=cost, status="feasible", final_cost=cost,
        ballot_eligible=True,
    )).returning(Proposal.id)
    return rows[0]["id"]


async def make_item(title: str | None = None, *, neighborhood_id: int | None = None, allocated: int = 10000,
                    ballot_id: int | None = 1) -> int:
    proposal = await make_proposal(title, neighborhood_id=neighborhood_id, cost=allocated)
    return (await create_delivery_items(ballot_id, [(proposal, allocated)]))[0]


def _png() -> bytes:
    """A real 4×3 PNG carrying a text chunk, as an editor or phone might write one."""
    import io

    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "taken at 51.5074 N, 0.1278 W")
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 180, 40)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


PNG = _png()


def same_picture(stored: bytes, original: bytes) -> bool:
    """Same size and pixels (the stored file is re-encoded, so its bytes differ)."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(stored)) as a, Image.open(io.BytesIO(original)) as b:
        return a.size == b.size and a.convert("RGB").tobytes() == b.convert("RGB").tobytes()
