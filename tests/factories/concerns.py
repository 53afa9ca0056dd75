"""The concerns domain's factories: categories and concerns, made through the service."""

from __future__ import annotations

import datetime as dt
import itertools

from support import make_neighborhood

from concerns import rules, service
from concerns.schemas import CategoryInput, ConcernInput, StatusChange, Submitted

_n = itertools.count(1)


async def make_category(*, sensitive: bool = False, oversight: bool = False, first: int = 2, resolution: int = 14,
                        name: str | None = None) -> int:
    n = next(_n)
    return await service.save_category(CategoryInput(
        f"cat-{n}", name or f"Street lights {n}", "Lights that are out.", "Public Works", first, resolution,
        sensitive, oversight))


async def make_concern(category_id: int | None = None, *, account_id: int | None = None, identity: str = "anonymous",
                       neighborhood_id: int | None = None, description: str = "The lamp on the corner is out.",
                       public: bool = True, address: str = "12 Elm Street", lat: float | None = 51.5072,
                       long: float | None = -0.1276, channel: str = "web", now: dt.datetime | None = None,
                       entered_by: int | None = None) -> Submitted:
    category_id = category_id or await make_category()
    hood = neighborhood_id or await make_neighborhood("Riverside")
    data = ConcernInput(category_id, hood, description, identity, public, "en", address, lat, long)
    return await service.submit(data, account_id=account_id, channel=channel, now=now, entered_by=entered_by)


def resolved(method: str = "repair", without_escalation: bool = True) -> StatusChange:
    return StatusChange(rules.RESOLVED, "Fixed the lamp.", method=method, without_escalation=without_escalation)
