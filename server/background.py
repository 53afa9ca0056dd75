"""Background work the domains declare in their manifests, and where it runs.

Two kinds: periodic jobs (`Job`: counting closed ballots, clearing expired sessions, digests) and
tasks enqueued for one row (`Task`: count this ballot when it closes), enqueued with `enqueue` inside
the transaction that writes the row, so that the row and its task commit or vanish together.

Where they run (`TOWNSQUARE_JOBS`, server/settings.py):
- on SQLite (`make run`), in every server process, as before: periodic loops here, and an enqueued
  task is a timer in the process (the periodic sweep picks up whatever a restart dropped);
- on PostgreSQL, through the PostgreSQL job queue (server/queue.py, the only module that imports the
  queue library): in each server process unless `TOWNSQUARE_JOBS=worker`, in which case `serve` runs
  none and `townsquare worker` runs them all. Each periodic job runs once per period however many
  processes run the queue, a task runs once and is retried with backoff when it fails.

Every job must still be safe to run twice (a process can die between doing the work and recording
it): jobs claim their work through unique indexes or conditional updates, never in-process state."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import msgspec

from server.domains import registry

log = logging.getLogger("townsquare.background")


class Job(msgspec.Struct, frozen=True):
    """A periodic job: `run` every `every_seconds` (on the queue, as a schedule of that period)."""

    name: str
    every_seconds: float
    run: Callable[[], Awaitable[object]]


class Task(msgspec.Struct, frozen=True):
    """Work for one row, enqueued with `enqueue(name, payload)`; `run` gets the payload back. A task
    that raises is retried `retries` times, waiting 2, 4, 8... seconds (at most five minutes)."""

    name: str
    run: Callable[[dict[str, Any]], Awaitable[object]]
    retries: int = 5


async def _loop(job: Job) -> None:
    while True:
        try:
            await job.run()
        except asyncio.CancelledError:
            raise
        except Exception:  # a failing job must not stop the others or the server
            log.exception("background job %s failed", job.name)
        await asyncio.sleep(job.every_seconds)


def tasks_by_name() -> dict[str, Task]:
    return {t.name: t for t in registry().tasks}


class Runner:
    """Runs jobs in this process: the loops above on SQLite, the queue's worker on PostgreSQL."""

    def __init__(self, extra: list[Job] | None = None, *, queue_url: str | None = None) -> None:
        # `extra`: jobs that need what only the app holds (its mailer, its address).
        self.extra = extra or []
        # PostgreSQL: the address the queue's worker listens on (no pooler in between: it LISTENs).
        self.queue_url = queue_url
        self.tasks: list[asyncio.Task[None]] = []
        self._timers: set[asyncio.Task[None]] = set()

    def jobs(self) -> list[Job]:
        return [*registry().jobs, *self.extra]  # the domains' jobs, declared in their manifests

    async def start(self) -> None:
        global _local
        if self.queue_url:
            from server import queue

            work = queue.work_forever(self.queue_url, self.jobs(), list(tasks_by_name().values()))
            self.tasks = [asyncio.create_task(work, name="job-queue")]
            return
        self.tasks = [asyncio.create_task(_loop(job), name=f"job:{job.name}") for job in self.jobs()]
        _local = self

    async def stop(self) -> None:
        global _local
        if _local is self:
            _local = None
        for task in [*self.tasks, *self._timers]:
            task.cancel()
        await asyncio.gather(*self.tasks, *self._timers, return_exceptions=True)
        self.tasks = []
        self._timers = set()

    def defer(self, task: Task, payload: dict[str, Any], after: dt.timedelta) -> None:
        async def later() -> None:
            await asyncio.sleep(max(after.total_seconds(), 0))
            try:
                await task.run(payload)
            except Exception:
                log.exception("task %s failed", task.name)

        timer = asyncio.create_task(later(), name=f"task:{task.name}")
        self._timers.add(timer)
        timer.add_done_callback(self._timers.discard)


# The runner of this process when it runs jobs in-process (SQLite); None otherwise.
_local: Runner | None = None


async def enqueue(name: str, payload: Mapping[str, Any], *, after: dt.timedelta | None = None,
                  key: str | None = None) -> None:
    """Enqueue the task `name` (declared in a manifest) with a JSON-able payload, to run `after` from
    now. Call it inside the write transaction of the row that needs it: on PostgreSQL the job is a
    row of that transaction. `key` makes it unique among waiting jobs (a second enqueue with the same
    key while the first waits is dropped)."""
    from server.database import current_engine, is_sqlite

    task = tasks_by_name().get(name)
    if task is None:
        raise KeyError(f"no task named {name!r} is declared in a manifest")
    engine = current_engine()
    if is_sqlite(engine):
        # No queue table on SQLite: a timer, if this process runs jobs (a test's app without its
        # lifespan runs none, and a timer firing into another test's database would be wrong).
        if _local is not None:
            _local.defer(task, dict(payload), after or dt.timedelta(0))
        return
    from server import queue

    await queue.enqueue(engine, name, dict(payload), after=after, key=key)


async def clear_expired() -> None:
    from server.stores.database_store import DatabaseStore
    from server.stores.ratelimit import DatabaseCounters

    await DatabaseStore("sessions").delete_expired()
    await DatabaseCounters().delete_expired()
