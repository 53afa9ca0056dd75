"""Checks other domains run on a budget cycle's new dates. Proposals do not know ballots, so the
ballots domain registers a check that refuses dates its ballots would contradict (a cycle saying
"voting until Dec 10" while a ballot is open until Dec 14, or a cycle moved back into review while
its ballot is open)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from proposals.schemas import CycleInput

# (cycle id, the new dates) -> why not, or None to allow them.
CycleCheck = Callable[[int, CycleInput], Awaitable[str | None]]

CHECKS: list[CycleCheck] = []


def register_cycle_check(check: CycleCheck) -> CycleCheck:
    CHECKS.append(check)
    return check


async def cycle_refusal(cycle_id: int, data: CycleInput) -> str | None:
    for check in CHECKS:
        if (reason := await check(cycle_id, data)) is not None:
            return reason
    return None
