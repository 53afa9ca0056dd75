"""The delivery domain's factories: a delivery item of a feasible proposal, made through the services."""

from __future__ import annotations

import itertools

from support import make_account, make_neighborhood

from delivery.service import create_delivery_items
from factories.proposals import council_member, feasible, make_cycle, proposal_input
from proposals import phases
from proposals import service as proposals

_n = itertools.count(1)


async def make_proposal(title: str | None = None, *, neighborhood_id: int | None = None, cost: int = 10000) -> int:
    """A feasible proposal of a cycle now delivering its projects."""
    cycle_id = await make_cycle(phases.DELIVERY, name=f"Cycle {next(_n)}")
    cycle = await proposals.get_cycle(cycle_id)
    assert cycle is not None
    hood = neighborhood_id or await make_neighborhood("Riverside")
    author = await make_account("resident", neighborhood_id=hood)
    pid = await proposals.create_proposal(
        author.id, hood, cycle_id, proposal_input(title or f"Project {next(_n)}", summary="A safety project",
                                                  estimated_cost=cost),
        submit=True, on=cycle.ideas_open)
    await proposals.review(pid, await council_member(), feasible(cost), on=cycle.review_open)
    return pid


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
