"""Slowing repeated failures down instead of locking people out (issue 15).

A hard limit per client address locks out everyone behind that address: a school's network, a library
kiosk, a polling booth's laptop. So past a free allowance, failures from one address cost time
instead: each further attempt waits before it is even checked, and the wait doubles with every
failure, up to a ceiling. A valid code typed at that kiosk still works, after the wait. Hard limits
stay where they harm nobody else: per account (sign-in) and per typed code.

The wait is served by the server (the response comes late), so it works the same with and without
JavaScript and needs no third-party CAPTCHA. An attempt made while the address is over its allowance
is counted before it is checked, so attempts sent side by side each see a higher count and wait
longer: parallel guessing does not get around the cost. Counters are the host's shared ones
(server/stores/ratelimit.py: database or Redis), so every worker sees the same count.

`SlowDown` is the policy (pure); `Throttle` is a RateLimiter (the limit is the free allowance) that
also hands out turns."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from server.stores.ratelimit import CounterBackend, RateLimiter


@dataclass(frozen=True)
class SlowDown:
    """How long the n-th failure within a window makes the next attempt wait: nothing up to
    `free`, then `base` seconds doubling with each failure, never more than `ceiling` (a browser
    or proxy gives up on a response after about a minute)."""

    free: int
    base: float = 1.0
    ceiling: float = 20.0

    def delay(self, failures: int) -> float:
        over = failures - self.free
        if over <= 0:
            return 0.0
        return min(self.ceiling, self.base * 2.0 ** min(over - 1, 30))


@dataclass(frozen=True)
class Turn:
    """One attempt's place: `counted` when it was counted up front (over the allowance), and how
    long it waited."""

    bucket: str
    counted: bool
    waited: float


class Throttle(RateLimiter):
    """`limit` free failures per `window_seconds` for each bucket; past them, attempts wait
    (`SlowDown`). `allow`/`exhausted`/`reset` still work as a plain limiter's."""

    def __init__(self, backend: CounterBackend, limit: int, window_seconds: int, *, base: float = 1.0,
                 ceiling: float = 20.0, sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> None:
        super().__init__(backend, limit, window_seconds)
        self.policy = SlowDown(limit, base, ceiling)
        # Replaced in tests, which record the waits instead of spending them.
        self.sleep = sleep

    async def wait_turn(self, bucket: str, peeked: int | None = None) -> Turn:
        """Wait as long as this bucket's failures ask for, then let the attempt be checked.
        `peeked`: the bucket's count, when the caller has just read it (`peek_together`)."""
        if (await self.backend.peek(bucket) if peeked is None else peeked) < self.limit:
            return Turn(bucket, counted=False, waited=0.0)
        failures = await self.backend.hit(bucket, self.window_seconds)
        waited = self.policy.delay(failures)
        await self.sleep(waited)
        return Turn(bucket, counted=True, waited=waited)

    async def failed(self, turn: Turn) -> None:
        """The attempt failed: count it (unless it was counted before it was checked)."""
        if not turn.counted:
            await self.backend.hit(turn.bucket, self.window_seconds)


async def peek_together(*asked: tuple[RateLimiter, str]) -> list[int]:
    """The counts of several limiters' buckets, in one query when they share a backend (access-code
    entry asks two before every try, issue 21); otherwise one each."""
    backends = {id(limiter.backend) for limiter, _bucket in asked}
    if len(backends) == 1:
        return await asked[0][0].backend.peek_many([bucket for _limiter, bucket in asked])
    return [await limiter.backend.peek(bucket) for limiter, bucket in asked]
