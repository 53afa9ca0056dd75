"""Delivery items as link targets for other domains (server/links.py). Delivery pages are public,
so every existing item may be shown; its title is the funded proposal's."""

from __future__ import annotations

from typing import Any

from delivery.tables import DeliveryItem
from server.links import LinkKind
from server.navigation import N_


async def _items(ids: list[int], viewer: Any) -> dict[int, tuple[str, str]]:
    if not ids:
        return {}
    rows = await DeliveryItem.select(DeliveryItem.id, DeliveryItem.proposal.title.as_alias("title")).where(
        DeliveryItem.id.is_in(ids))
    return {r["id"]: (r["title"], f"/delivery/{r['id']}") for r in rows}


LINK_KINDS = {"delivery_item": LinkKind(N_("Funded project"), _items)}
