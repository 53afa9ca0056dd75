"""The PostgreSQL job queue (server/queue.py, issue 22): a task enqueued in a transaction exists only
if the transaction commits, runs once however many workers run, is retried with backoff when it
fails; a periodic job runs once per period across workers; a ballot's count is enqueued with it."""

from __future__ import annotations

import asyncio
import datetime as dt
import os

import pytest

from server import queue
from server.background import Job, Task, enqueue
from server.database import current_engine, write_transaction
from server.domains import Domain
from tests.support import with_domain

PG_URL = os.environ.get("TOWNSQUARE_TEST_POSTGRES_URL")
pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not PG_URL, reason="needs TOWNSQUARE_TEST_POSTGRES_URL (CI sets it)")]


@pytest.fixture
async def pg(db: object) -> object:
    if current_engine().engine_type != "postgres":
        pytest.skip("the job queue is PostgreSQL's; on SQLite jobs run in the server process")
    return db


def _dsn() -> str:
    return current_engine().config["dsn"]


async def _work_until(condition, jobs: list[Job], tasks: list[Task], workers: int = 1, limit: float = 60) -> None:
    """Run `workers` queue workers until `condition()` holds (or `limit` seconds pass)."""
    stop = asyncio.Event()
    running = [asyncio.create_task(queue.work(_dsn(), jobs, tasks, stop=stop)) for _ in range(workers)]
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        while loop.time() < deadline:
            if await condition():
                break
            await asyncio.sleep(0.2)
    finally:
        stop.set()
        await asyncio.gather(*running)


def test_cron_for_periods() -> None:
    assert queue.cron_for(30) == "* * * * * */30"
    assert queue.cron_for(1) == "* * * * * *"
    assert queue.cron_for(45) == "* * * * * */30"  # rounded down to a period that divides the minute
    assert queue.cron_for(60) == "* * * * *"
    assert queue.cron_for(600) == "*/10 * * * *"
    assert queue.cron_for(3600) == "0 * * * *"
    assert queue.cron_for(6 * 3600) == "0 */6 * * *"
    assert queue.cron_for(86400) == "0 0 * * *"


def test_backoff_doubles_up_to_five_minutes() -> None:
    assert [queue.backoff(n).total_seconds() for n in range(4)] == [2, 4, 8, 16]
    assert queue.backoff(20) == dt.timedelta(minutes=5)


async def test_enqueued_job_commits_and_rolls_back_with_its_transaction(pg: object) -> None:
    ran: list[dict] = []

    async def record(payload: dict) -> None:
        ran.append(payload)

    task = Task("test-record", record)
    with with_domain(Domain(name="queue_test", tasks=[task])):
        async with write_transaction():
            await enqueue("test-record", {"n": 1})
        with pytest.raises(RuntimeError):
            async with write_transaction():
                await enqueue("test-record", {"n": 2})
                raise RuntimeError("the row that needed it was refused")
        waiting = await queue.waiting_jobs(current_engine(), "test-record")
        assert [j["payload"] for j in waiting] == [{"n": 1}]

        async def done() -> bool:
            return not await queue.waiting_jobs(current_engine(), "test-record")

        await _work_until(done, [], [task], workers=3)
    assert ran == [{"n": 1}]  # once, with three workers


async def test_many_tasks_run_once_each_across_workers(pg: object) -> None:
    ran: list[int] = []

    async def record(payload: dict) -> None:
        await asyncio.sleep(0.01)
        ran.append(payload["n"])

    task = Task("test-many", record)
    with with_domain(Domain(name="queue_test", tasks=[task])):
        for n in range(40):
            await enqueue("test-many", {"n": n})

        async def done() -> bool:
            return len(ran) >= 40 and not await queue.waiting_jobs(current_engine(), "test-many")

        await _work_until(done, [], [task], workers=3)
    assert sorted(ran) == list(range(40))


async def test_failing_task_is_retried_with_backoff(pg: object) -> None:
    attempts: list[dt.datetime] = []

    async def flaky(payload: dict) -> None:
        attempts.append(dt.datetime.now(dt.UTC))
        if len(attempts) < 3:
            raise ConnectionError("storage not reachable yet")

    task = Task("test-flaky", flaky, retries=5)
    with with_domain(Domain(name="queue_test", tasks=[task])):
        await enqueue("test-flaky", {})

        async def done() -> bool:
            return len(attempts) >= 3 and not await queue.waiting_jobs(current_engine(), "test-flaky")

        await _work_until(done, [], [task], workers=2)
    assert len(attempts) == 3
    # The waits grow: at least 2 s after the first failure, at least 4 s after the second.
    assert attempts[1] - attempts[0] >= dt.timedelta(seconds=2)
    assert attempts[2] - attempts[1] >= dt.timedelta(seconds=4)


async def test_task_that_keeps_failing_stops_after_its_retries(pg: object) -> None:
    attempts: list[int] = []

    async def broken(payload: dict) -> None:
        attempts.append(1)
        raise ValueError("always")

    task = Task("test-broken", broken, retries=1)
    with with_domain(Domain(name="queue_test", tasks=[task])):
        await enqueue("test-broken", {})

        async def done() -> bool:
            return len(attempts) >= 2 and not await queue.waiting_jobs(current_engine(), "test-broken")

        await _work_until(done, [], [task], workers=1)
    assert len(attempts) == 2  # the first try and one retry, then it is dropped (and logged)


async def test_periodic_job_runs_once_per_period_across_workers(pg: object) -> None:
    runs: list[int] = []

    async def tick() -> None:
        runs.append(int(dt.datetime.now(dt.UTC).timestamp()))

    job = Job("test-tick", 1, tick)

    async def enough() -> bool:
        return len(runs) >= 4

    await _work_until(enough, [job], [], workers=3, limit=30)
    assert len(runs) >= 4
    # Three workers, one schedule: each second's run happened in one of them only.
    assert len(runs) == len(set(runs))


async def test_a_new_ballot_enqueues_its_count_for_its_closing_time(pg: object) -> None:
    from factories.ballots import NOW, make_ballot

    from ballots import service
    from ballots.service import COUNT_AT_CLOSE

    setup = await make_ballot()
    waiting = await queue.waiting_jobs(current_engine(), COUNT_AT_CLOSE)
    assert [j["payload"] for j in waiting] == [{"ballot_id": setup.ballot_id}]
    closes_at = NOW + dt.timedelta(days=7)  # the factory's default
    assert abs((waiting[0]["execute_after"] - closes_at).total_seconds()) < 5
    # Extending the vote enqueues the count for the new time, in the same transaction.
    await service.extend_ballot(setup.ballot_id, closes_at + dt.timedelta(days=1), setup.council_id)
    waiting = await queue.waiting_jobs(current_engine(), COUNT_AT_CLOSE)
    assert sorted(round((j["execute_after"] - closes_at).total_seconds() / 3600) for j in waiting) == [0, 24]


async def test_worker_connects_again_after_losing_its_connection(pg: object) -> None:
    import asyncpg

    ran: list[dict] = []

    async def record(payload: dict) -> None:
        ran.append(payload)

    task = Task("test-after-failover", record)
    stop = asyncio.Event()
    worker = asyncio.create_task(queue.work_forever(_dsn(), [], [task], stop=stop))
    admin = await asyncpg.connect(_dsn())
    try:
        database = await admin.fetchval("SELECT current_database()")
        find = ("SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = $2")
        for _ in range(100):
            if await admin.fetch(find, queue.APPLICATION_NAME, database):
                break
            await asyncio.sleep(0.1)
        # The database drops the worker's connection (a restart, a failover).
        terminated = await admin.fetch(f"SELECT pg_terminate_backend(pid) FROM ({find}) AS q",
                                       queue.APPLICATION_NAME, database)
        assert terminated
        with with_domain(Domain(name="queue_test", tasks=[task])):
            await enqueue("test-after-failover", {"n": 1})
        for _ in range(300):
            if ran:
                break
            await asyncio.sleep(0.1)
        assert ran == [{"n": 1}]
    finally:
        stop.set()
        await worker
        await admin.close()
