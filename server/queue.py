"""The PostgreSQL job queue (pgqueuer; ARCHITECTURE.md says why it and not procrastinate). The only
module that imports the queue library: domains declare `Job`s and `Task`s in their manifests and
call `server.background.enqueue`, never this.

- A periodic job becomes a pgqueuer schedule of its period; the schedules' rows in PostgreSQL make
  each period's run happen in one process however many run the queue.
- A task becomes an entrypoint; its jobs are rows of the queue table, taken with FOR UPDATE SKIP
  LOCKED (so one process runs each), retried with exponential backoff when they raise, and taken
  again when the process running one stops sending heartbeats (it died).
- `enqueue` writes the job on the connection of the transaction in progress, so a job and the row
  that needs it commit together.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Sequence
from contextlib import asynccontextmanager, suppress
from typing import TYPE_CHECKING, Any

import msgspec

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    import asyncpg
    from piccolo.engine.postgres import PostgresEngine

    from server.background import Job, Task

log = logging.getLogger("townsquare.queue")

APPLICATION_NAME = "townsquare-job-queue"
# The most a failing task waits between tries.
MAX_BACKOFF = dt.timedelta(minutes=5)
# A job or schedule whose process has sent no heartbeat for this long is taken again (it died).
HEARTBEAT_TIMEOUT = dt.timedelta(seconds=30)


def cron_for(every_seconds: float) -> str:
    """The cron expression (pgqueuer's six fields, seconds last) nearest to "every N seconds".

    Cron periods divide the minute, hour or day; a period that does not is rounded to one that
    does (45 s runs every 30 s), never made longer than asked."""
    seconds = max(1, int(every_seconds))
    if seconds < 60:
        step = max(d for d in (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30) if d <= seconds)
        return f"* * * * * */{step}" if step > 1 else "* * * * * *"
    minutes = seconds // 60
    if minutes < 60:
        step = max(d for d in (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30) if d <= minutes)
        return f"*/{step} * * * *" if step > 1 else "* * * * *"
    hours = minutes // 60
    if hours < 24:
        step = max(d for d in (1, 2, 3, 4, 6, 8, 12) if d <= hours)
        return f"0 */{step} * * *" if step > 1 else "0 * * * *"
    return "0 0 * * *"


def backoff(attempt: int) -> dt.timedelta:
    """How long a task waits after its `attempt`-th failure (0-based): 2 s, 4 s, 8 s... up to 5 minutes."""
    return min(dt.timedelta(seconds=2) * (2 ** attempt), MAX_BACKOFF)


@asynccontextmanager
async def _connection(engine: PostgresEngine) -> AsyncIterator[asyncpg.Connection]:
    """The connection of the transaction in progress, else one from the pool (or a new one)."""
    tx = engine.current_transaction.get()
    if tx is not None:
        yield tx.connection
    elif engine.pool is not None:
        async with engine.pool.acquire() as connection:
            yield connection
    else:
        connection = await engine.get_new_connection()
        try:
            yield connection
        finally:
            await connection.close()


async def enqueue(engine: PostgresEngine, name: str, payload: dict[str, Any], *, after: dt.timedelta | None = None,
                  key: str | None = None) -> None:
    from pgqueuer import AsyncpgDriver, Queries

    async with _connection(engine) as connection:
        await Queries(AsyncpgDriver(connection)).enqueue(
            name, msgspec.json.encode(payload), execute_after=after, dedupe_key=key, on_conflict="skip")


async def install(url: str) -> None:
    """Create the queue's tables (or bring them up to this pgqueuer version): part of `migrate`."""
    import asyncpg
    from pgqueuer import AsyncpgDriver, Queries

    connection = await asyncpg.connect(dsn=url, statement_cache_size=0)
    try:
        queries = Queries(AsyncpgDriver(connection))
        if not await queries.schema_is_installed():
            await queries.install()
        else:
            await queries.upgrade()
    finally:
        await connection.close()


async def waiting_jobs(engine: PostgresEngine, name: str | None = None) -> list[dict[str, Any]]:
    """The queued and running jobs (entrypoint, payload, status, execute_after), oldest first: what
    an operator or a test checks."""
    from pgqueuer.domain.settings import db_settings

    table = db_settings().queue_table
    async with _connection(engine) as connection:
        rows = await connection.fetch(
            f"SELECT id, entrypoint, payload, status, execute_after, attempts FROM {table}"
            " WHERE ($1::text IS NULL OR entrypoint = $1) ORDER BY id", name)
    return [{**dict(r), "payload": msgspec.json.decode(r["payload"]) if r["payload"] else None} for r in rows]


async def work(url: str, jobs: Sequence[Job], tasks: Sequence[Task], *, stop: asyncio.Event | None = None) -> None:
    """Run the periodic jobs and the enqueued tasks until cancelled (or `stop` is set), on a
    connection of its own to `url`: the queue LISTENs for new jobs, which a pooler in transaction
    mode cannot pass on, so this is the database's own address."""
    import asyncpg
    from pgqueuer import AsyncpgDriver, PgQueuer
    from pgqueuer.executors import DatabaseRetryEntrypointExecutor

    # Named, so that an operator sees the queue's connection in pg_stat_activity.
    connection = await asyncpg.connect(dsn=url, statement_cache_size=0,
                                       server_settings={"application_name": APPLICATION_NAME})
    try:
        pgq = PgQueuer(AsyncpgDriver(connection))
        for job in jobs:
            _schedule(pgq, job)
        for task in tasks:
            _entrypoint(pgq, task, DatabaseRetryEntrypointExecutor)
        # A lost LISTEN connection ends the run (rather than leaving a worker that hears nothing), and
        # `work_forever` connects again.
        runner = asyncio.create_task(pgq.run(heartbeat_timeout=HEARTBEAT_TIMEOUT, shutdown_on_listener_failure=True))
        waiter = asyncio.create_task((stop or asyncio.Event()).wait())
        try:
            await asyncio.wait({runner, waiter}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            pgq.shutdown.set()
            waiter.cancel()
            try:
                await asyncio.wait_for(runner, timeout=10)
            except (TimeoutError, asyncio.CancelledError):
                runner.cancel()
            if runner.done() and not runner.cancelled() and runner.exception() is not None:
                raise runner.exception()  # type: ignore[misc]
    finally:
        await connection.close()


async def work_forever(url: str, jobs: Sequence[Job], tasks: Sequence[Task], *,
                       stop: asyncio.Event | None = None) -> None:
    """`work`, started again after a lost connection or a restarted database (waiting 1, 2, 4... up
    to 30 seconds), until cancelled or `stop` is set: a worker outlives a database failover."""
    stop = stop or asyncio.Event()
    wait = 1.0
    while not stop.is_set():
        started = asyncio.get_running_loop().time()
        try:
            await work(url, jobs, tasks, stop=stop)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("the job queue stopped; connecting again in %.0f s", wait)
        if stop.is_set():
            return
        if asyncio.get_running_loop().time() - started > 60:
            wait = 1.0  # it ran for a while: a new failure, not the same one again
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=wait)
        wait = min(wait * 2, 30.0)


def _schedule(pgq: Any, job: Job) -> None:
    async def run(_schedule: object) -> None:
        try:
            await job.run()
        except Exception:  # logged here with the job's name; the next period tries again
            log.exception("background job %s failed", job.name)

    pgq.schedule(job.name, cron_for(job.every_seconds))(run)


def _entrypoint(pgq: Any, task: Task, executor: Any) -> None:
    async def run(queued: Any) -> None:
        payload = msgspec.json.decode(queued.payload) if queued.payload else {}
        try:
            await task.run(payload)
        except Exception:
            log.exception("task %s failed (attempt %s of %s)", task.name, queued.attempts + 1, task.retries + 1)
            raise

    pgq.entrypoint(task.name, executor_factory=lambda params: executor(
        parameters=params, max_attempts=task.retries, initial_delay=backoff(0), max_delay=MAX_BACKOFF,
        backoff_multiplier=2.0))(run)


def table_names() -> list[str]:
    """The queue's tables whose rows are jobs and schedules (tests empty them between tests)."""
    from pgqueuer.domain.settings import db_settings

    settings = db_settings()
    return [settings.queue_table, settings.schedules_table]
