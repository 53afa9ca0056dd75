"""Sessions and rate limits in Redis, for deployments with several workers. Runs when
TOWNSQUARE_TEST_REDIS_URL is set (always under CI)."""

from __future__ import annotations

import asyncio
import os
import uuid

import httpx
import pytest
from support import make_account, post_form

from server.stores.ratelimit import RateLimiter, RedisCounters

REDIS_URL = os.environ.get("TOWNSQUARE_TEST_REDIS_URL")
if not REDIS_URL:
    if os.environ.get("CI", "").lower() == "true":
        raise RuntimeError("CI=true but TOWNSQUARE_TEST_REDIS_URL is not set: Redis tests must run")
    pytest.skip("TOWNSQUARE_TEST_REDIS_URL is not set", allow_module_level=True)


async def test_redis_counters_count_concurrent_hits_exactly() -> None:
    limiter = RateLimiter(RedisCounters(REDIS_URL), limit=5, window_seconds=60)
    bucket = f"test:{uuid.uuid4().hex}"
    results = await asyncio.gather(*[limiter.allow(bucket) for _ in range(12)])
    assert results.count(True) == 5
    assert await limiter.exhausted(bucket)
    await limiter.reset(bucket)
    assert not await limiter.exhausted(bucket)


async def test_redis_counters_read_several_buckets_at_once() -> None:
    counters = RedisCounters(REDIS_URL)
    first, second = f"test:{uuid.uuid4().hex}", f"test:{uuid.uuid4().hex}"
    for _ in range(2):
        await counters.hit(first, 60)
    assert await counters.peek_many([first, second]) == [2, 0]
    await counters.reset(first)


async def test_a_throttle_on_redis_makes_parallel_attempts_each_wait_longer() -> None:
    """server/throttle.py on Redis, as several workers share it: past the allowance, attempts sent
    side by side are counted before they are checked, so each waits longer than the one before."""
    from server.throttle import Throttle

    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    throttle = Throttle(RedisCounters(REDIS_URL), 2, 60, sleep=record)
    bucket = f"test:{uuid.uuid4().hex}"
    for _ in range(2):
        await throttle.failed(await throttle.wait_turn(bucket))
    turns = await asyncio.gather(*[throttle.wait_turn(bucket) for _ in range(4)])
    assert sorted(t.waited for t in turns) == [1.0, 2.0, 4.0, 8.0] and sorted(waits) == [1.0, 2.0, 4.0, 8.0]
    await throttle.reset(bucket)


async def test_two_app_instances_share_sessions_through_redis(db: object, tmp_path) -> None:
    from server.app import create_app
    from server.settings import load_settings

    env = {"TOWNSQUARE_VAR_DIR": str(tmp_path), "SECRET_KEY": "x" * 40, "REDIS_URL": REDIS_URL,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}
    worker_a = create_app(load_settings(env), engine=db)  # type: ignore[arg-type]
    worker_b = create_app(load_settings(env), engine=db)  # type: ignore[arg-type]
    viewer = await make_account()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=worker_a), base_url="http://testserver") as a:
        response = await post_form(a, "/signin", {"email": viewer.email, "password": "correct horse battery"})
        assert response.status_code == 303
        cookies = dict(a.cookies)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=worker_b), base_url="http://testserver",
                                 cookies=cookies) as b:
        page = await b.get("/account")
        assert page.status_code == 200 and viewer.email in page.text
