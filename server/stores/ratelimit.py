"""Fixed-window counters for throttling sign-in, sign-up and access-code entry.

Litestar's RateLimitConfig counts every request per client in middleware; we also need to count
per account (the email is in the form body) and to count only failures, so the counting lives here
and services call it. Counters live in Redis when REDIS_URL is set, else in the database; both
increment atomically, so concurrent workers cannot under-count."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from server.prepared import Prepared
from server.stores.tables import RateCounter


class CounterBackend(Protocol):
    async def hit(self, bucket: str, window_seconds: int) -> int: ...

    async def peek(self, bucket: str) -> int: ...

    async def peek_many(self, buckets: list[str]) -> list[int]: ...

    async def reset(self, bucket: str) -> None: ...


# Asked before every code or sign-in attempt: SQL built once (server/prepared.py, issue 21).
_PEEK = Prepared(lambda bucket, now: RateCounter.select(RateCounter.hits).where(
    (RateCounter.bucket == bucket) & (RateCounter.expires_at > now)).first())
# Access-code entry asks two buckets (the typed code, the address) before every try: one statement.
_PEEK_MANY = Prepared(lambda buckets, now: RateCounter.select(RateCounter.bucket, RateCounter.hits).where(
    RateCounter.bucket.is_in(buckets) & (RateCounter.expires_at > now)))


class DatabaseCounters:
    """A window opens at a bucket's first hit and lasts `window_seconds`; a hit after it ends starts
    a new one. Unlike clock-aligned windows, five failures can never straddle a boundary and
    become ten."""

    async def hit(self, bucket: str, window_seconds: int) -> int:
        now = dt.datetime.now(dt.UTC)
        expires = now + dt.timedelta(seconds=window_seconds)
        rows = await RateCounter.raw(
            "INSERT INTO rate_counter (bucket, hits, expires_at) VALUES ({}, 1, {}) "
            "ON CONFLICT (bucket) DO UPDATE SET "
            "hits = CASE WHEN rate_counter.expires_at <= {} THEN 1 ELSE rate_counter.hits + 1 END, "
            "expires_at = CASE WHEN rate_counter.expires_at <= {} THEN {} ELSE rate_counter.expires_at END "
            "RETURNING hits",
            bucket,
            expires,
            now,
            now,
            expires,
        )
        return int(rows[0]["hits"])

    async def peek(self, bucket: str) -> int:
        row = await _PEEK(bucket, dt.datetime.now(dt.UTC))
        return int(row["hits"]) if row else 0

    async def peek_many(self, buckets: list[str]) -> list[int]:
        hits = {r["bucket"]: int(r["hits"]) for r in await _PEEK_MANY(list(buckets), dt.datetime.now(dt.UTC))}
        return [hits.get(bucket, 0) for bucket in buckets]

    async def reset(self, bucket: str) -> None:
        await RateCounter.delete().where(RateCounter.bucket == bucket)

    async def delete_expired(self) -> None:
        await RateCounter.delete().where(RateCounter.expires_at <= dt.datetime.now(dt.UTC))


class RedisCounters:
    def __init__(self, url: str) -> None:
        from redis.asyncio import Redis

        self.redis = Redis.from_url(url)

    @staticmethod
    def _key(bucket: str) -> str:
        return f"townsquare:rl:{bucket}"

    async def hit(self, bucket: str, window_seconds: int) -> int:
        key = self._key(bucket)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(key, 0, ex=window_seconds, nx=True)
            pipe.incr(key)
            _, hits = await pipe.execute()
        return int(hits)

    async def peek(self, bucket: str) -> int:
        return int(await self.redis.get(self._key(bucket)) or 0)

    async def peek_many(self, buckets: list[str]) -> list[int]:
        return [int(v or 0) for v in await self.redis.mget([self._key(b) for b in buckets])]

    async def reset(self, bucket: str) -> None:
        await self.redis.delete(self._key(bucket))


class RateLimiter:
    """`limit` hits per `window_seconds` for each bucket; `allow` counts a hit and says if it fits."""

    def __init__(self, backend: CounterBackend, limit: int, window_seconds: int) -> None:
        self.backend = backend
        self.limit = limit
        self.window_seconds = window_seconds

    async def allow(self, bucket: str) -> bool:
        return await self.backend.hit(bucket, self.window_seconds) <= self.limit

    async def exhausted(self, bucket: str) -> bool:
        return await self.backend.peek(bucket) >= self.limit

    async def reset(self, bucket: str) -> None:
        await self.backend.reset(bucket)
