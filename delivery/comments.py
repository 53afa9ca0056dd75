"""Residents comment on delivery updates through the shared thread component."""

from __future__ import annotations

from delivery.tables import DeliveryUpdate
from proposals.threads import registry
from proposals.threads.registry import TargetInfo

KIND = "delivery_update"


async def describe(ids: list[int]) -> dict[int, TargetInfo]:
    rows = await DeliveryUpdate.select(
        DeliveryUpdate.id, DeliveryUpdate.item, DeliveryUpdate.item.proposal.title.as_alias("title"),
    ).where(DeliveryUpdate.id.is_in(ids))
    # Updates stay open for questions for as long as the project page exists: delivery has no end date
    # after which residents' questions stop mattering.
    return {r["id"]: TargetInfo(url=f"/delivery/{r['item']}", title=r["title"]) for r in rows}


KINDS = [registry.kind(KIND, describe)]  # declared in delivery/domain.py
