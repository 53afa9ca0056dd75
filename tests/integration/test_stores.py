"""The database session store and rate-limit counters, on both engines, including under concurrency."""

from __future__ import annotations

import asyncio

from piccolo.engine.base import Engine

from server.stores.database_store import DatabaseStore
from server.stores.ratelimit import DatabaseCounters, RateLimiter


async def test_store_round_trip_and_expiry(db: Engine) -> None:
    store = DatabaseStore("t")
    await store.set("a", b"one", expires_in=60)
    assert await store.get("a") == b"one"
    await store.set("a", "two", expires_in=60)
    assert await store.get("a") == b"two"
    assert 0 < (await store.expires_in("a") or 0) <= 60
    await store.set("gone", b"x", expires_in=-1)
    assert await store.get("gone") is None
    await store.delete("a")
    assert not await store.exists("a")


async def test_concurrent_hits_are_all_counted(db: Engine) -> None:
    limiter = RateLimiter(DatabaseCounters(), limit=5, window_seconds=60)
    results = await asyncio.gather(*[limiter.allow("bucket") for _ in range(12)])
    assert results.count(True) == 5
    assert await limiter.exhausted("bucket")
    assert not await limiter.exhausted("another")
    await limiter.reset("bucket")
    assert await limiter.allow("bucket")


async def test_several_buckets_are_read_in_one_statement(db: Engine) -> None:
    """Access-code entry reads the typed code's and the address's counts together (issue 21)."""
    from server.throttle import Throttle, peek_together

    counters = DatabaseCounters()
    per_code, address = RateLimiter(counters, 5, 60), Throttle(counters, 10, 600)
    for _ in range(3):
        await per_code.allow("code:x")
    await address.allow("client:y")
    assert await counters.peek_many(["code:x", "client:y", "nothing"]) == [3, 1, 0]
    assert await peek_together((per_code, "code:x"), (address, "client:y")) == [3, 1]
    assert await peek_together((per_code, "code:x"), (RateLimiter(DatabaseCounters(), 5, 60), "client:y")) == [3, 1]
    assert (await address.wait_turn("client:y", peeked=10)).counted  # the count read stands for a peek
    await counters.hit("gone", -1)  # expired at once
    assert await counters.peek_many(["gone"]) == [0]


async def test_attempts_sent_side_by_side_past_the_allowance_each_wait_longer(db: Engine) -> None:
    """server/throttle.py: over the allowance an attempt is counted before it is checked, so parallel
    guesses from one address do not share one wait: each sees a higher count and waits longer."""
    from server.throttle import Throttle

    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    throttle = Throttle(DatabaseCounters(), 3, 600, sleep=record)
    for _ in range(3):
        await throttle.failed(await throttle.wait_turn("kiosk"))
    assert waits == []
    turns = await asyncio.gather(*[throttle.wait_turn("kiosk") for _ in range(5)])
    assert sorted(t.waited for t in turns) == [1.0, 2.0, 4.0, 8.0, 16.0]
    for turn in turns:
        await throttle.failed(turn)  # counted already: not counted twice
    assert (await throttle.wait_turn("kiosk")).waited == 20.0  # the ceiling
    assert (await throttle.wait_turn("another kiosk")).waited == 0.0
