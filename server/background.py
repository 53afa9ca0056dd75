"""Periodic jobs that run inside each server process (closing ballots and counting them, clearing
expired sessions). Every job must be safe to run in several workers at once: jobs claim their work
through unique indexes or conditional updates, never through in-process state."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import msgspec

from server.domains import registry

log = logging.getLogger("townsquare.background")


class Job(msgspec.Struct, frozen=True):
    name: str
    every_seconds: float
    run: Callable[[], Awaitable[object]]


async def _loop(job: Job) -> None:
    while True:
        try:
            await job.run()
        except asyncio.CancelledError:
            raise
        except Exception:  # a failing job must not stop the others or the server
            log.exception("background job %s failed", job.name)
        await asyncio.sleep(job.every_seconds)


class Runner:
    def __init__(self, extra: list[Job] | None = None) -> None:
        # `extra`: jobs that need what only the app holds (its mailer, its address).
        self.extra = extra or []
        self.tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:

        jobs = [*registry().jobs, *self.extra]  # the domains' jobs, declared in their manifests
        self.tasks = [asyncio.create_task(_loop(job), name=f"job:{job.name}") for job in jobs]

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.tasks = []


async def clear_expired() -> None:
    from server.stores.database_store import DatabaseStore
    from server.stores.ratelimit import DatabaseCounters

    await DatabaseStore("sessions").delete_expired()
    await DatabaseCounters().delete_expired()

