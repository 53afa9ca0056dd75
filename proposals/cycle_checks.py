"""Checks other domains run on a budget cycle's new dates. Proposals do not know ballots, so the
ballots domain declares a check in its manifest (`kinds=[cycle_checks.kind(...)]`) that refuses dates
its ballots would contradict (a cycle saying
"voting until Dec 10" while a ballot is open until Dec 14, or a cycle moved back into review while
its ballot is open)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from proposals.schemas import CycleInput
from server.domains import Kind, registry

# (cycle id, the new dates) -> why not, or None to allow them.
CycleCheck = Callable[[int, CycleInput], Awaitable[str | None]]

COMPONENT = "cycle_check"


def kind(name: str, check: CycleCheck) -> Kind:
    return Kind(COMPONENT, name, check)


async def cycle_refusal(cycle_id: int, data: CycleInput) -> str | None:
    for check in registry().kinds_of(COMPONENT).values():
        if (reason := await check(cycle_id, data)) is not None:
            return reason
    return None
