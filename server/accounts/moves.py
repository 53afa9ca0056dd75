"""Moving to another neighborhood. The host does not know the domains' rules, so a domain that a
move could make unfair (voting on two neighborhoods' funds in one budget cycle) declares a check in
its manifest that may refuse it, with a message for the person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from server.domains import registry

# (account id, the neighborhood they would move to, now) -> why not, or None to allow it.
MoveCheck = Callable[[int, int, dt.datetime], Awaitable[str | None]]

async def move_refusal(account_id: int, neighborhood_id: int, now: dt.datetime | None = None) -> str | None:
    now = now or dt.datetime.now(dt.UTC)
    for check in registry().move_checks:
        if (reason := await check(account_id, neighborhood_id, now)) is not None:
            return reason
    return None
