"""Where background work runs (server/background.py): on SQLite in the server process, as `make run`
always did (periodic loops, and an enqueued task as a timer); on PostgreSQL, a server process without
a separate worker runs the queue's worker itself."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from server import background
from server.background import Job, Runner, Task, enqueue
from server.database import current_engine, write_transaction
from server.domains import Domain
from tests.support import with_domain


async def _until(condition, limit: float = 30) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while loop.time() < deadline:
        if condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("not within the limit")


async def test_server_process_runs_periodic_jobs_and_enqueued_tasks(db: object) -> None:
    ticks: list[int] = []
    ran: list[dict] = []

    async def tick() -> None:
        ticks.append(1)

    async def record(payload: dict) -> None:
        ran.append(payload)

    domain = Domain(name="background_test", jobs=[Job("test-tick", 1, tick)], tasks=[Task("test-record", record)])
    with with_domain(domain):
        on_postgres = current_engine().engine_type == "postgres"
        runner = Runner(queue_url=current_engine().config["dsn"] if on_postgres else None)
        await runner.start()
        try:
            async with write_transaction():
                await enqueue("test-record", {"ballot": 3}, after=dt.timedelta(seconds=1))
            await _until(lambda: ran and len(ticks) >= 2)
        finally:
            await runner.stop()
    assert ran == [{"ballot": 3}]


async def test_without_a_running_runner_sqlite_enqueues_nothing(db: object) -> None:
    if current_engine().engine_type != "sqlite":
        pytest.skip("on PostgreSQL the job is a row, whether or not a worker runs (tests/integration/test_job_queue)")
    ran: list[dict] = []

    async def record(payload: dict) -> None:
        ran.append(payload)

    with with_domain(Domain(name="background_test", tasks=[Task("test-record", record)])):
        assert background._local is None  # a test's app without its lifespan runs no jobs
        await enqueue("test-record", {"n": 1})
        await asyncio.sleep(0.2)
    assert ran == []


async def test_unknown_task_is_refused(db: object) -> None:
    with pytest.raises(KeyError, match="no task named 'nope'"):
        await enqueue("nope", {})


@pytest.mark.parametrize("jobs", ["in-process", "worker"])
async def test_serve_runs_the_queue_unless_a_worker_is_configured(db: object, settings, jobs: str) -> None:
    import asyncpg
    import msgspec

    from server import queue
    from server.app import create_app

    if current_engine().engine_type != "postgres":
        pytest.skip("a separate worker needs PostgreSQL")
    dsn = current_engine().config["dsn"]
    app = create_app(msgspec.structs.replace(settings, database_url=dsn, jobs=jobs), engine=db)  # type: ignore[arg-type]
    admin = await asyncpg.connect(dsn)
    try:
        async with app.lifespan():
            listening = []
            for _ in range(50):  # the queue's connection, if this process runs one
                listening = await admin.fetch(
                    "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
                    queue.APPLICATION_NAME)
                if listening:
                    break
                await asyncio.sleep(0.1)
        assert bool(listening) == (jobs == "in-process")
    finally:
        await admin.close()
