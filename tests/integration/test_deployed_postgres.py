"""PostgreSQL as deployed (issue 22): behind pgbouncer in transaction mode (Debian's, started here on
a free port) and with a read replica for public read-only pages. The replica is a second address of
the same server: what can be checked here is that the pages marked public and read-only read through
it and that casting, receipt checks and everything else do not."""

from __future__ import annotations

import asyncio
import datetime as dt
import os

import httpx
import pytest
from factories.ballots import make_ballot
from piccolo.engine.postgres import PostgresEngine
from support import make_account

from ballots import service
from ballots.counting import service as counting
from server import queue
from server.database import (
    REPLICA,
    bind_engine,
    close_postgres_pool,
    current_engine,
    engine_from_url,
    start_postgres_pool,
    write_transaction,
)

PG_URL = os.environ.get("TOWNSQUARE_TEST_POSTGRES_URL")
pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not PG_URL, reason="needs TOWNSQUARE_TEST_POSTGRES_URL (CI sets it)")]


@pytest.fixture
async def pg(db: object) -> object:
    if current_engine().engine_type != "postgres":
        pytest.skip("PostgreSQL only")
    return db


@pytest.fixture(scope="session")
def bouncer(databases) -> str:
    from pgbouncer import pgbouncer

    if databases.postgres is None:
        pytest.skip("PostgreSQL only")
    with pgbouncer(databases.postgres.config["dsn"]) as url:
        yield url


async def test_casting_counting_and_the_queue_through_pgbouncer(pg: object, bouncer: str) -> None:
    tested = engine_from_url(bouncer, pgbouncer=True)
    await start_postgres_pool(tested, min_size=2, max_size=8)  # type: ignore[arg-type]
    bind_engine(tested)
    try:
        now = dt.datetime.now(dt.UTC)  # the factory's NOW is the session's start, maybe minutes ago
        closes = now + dt.timedelta(minutes=5)
        s = await make_ballot(opens=now - dt.timedelta(hours=1), closes=closes)
        voters = [await make_account(neighborhood_id=s.hood, birth_year=1980) for _ in range(12)]
        # Concurrent casts: each transaction gets whichever server connection pgbouncer has free,
        # which breaks statements prepared by name on another one.
        receipts = await asyncio.gather(*[service.cast_online(s.ballot_id, v.id, [s.proposals[i % 4]])
                                          for i, v in enumerate(voters)])
        looked_up = await asyncio.gather(*[service.lookup_receipt(r) for r in receipts])
        assert all(found is not None for found in looked_up)
        view = await counting.count_ballot(s.ballot_id, closes + dt.timedelta(seconds=1))
        assert view.status == "done" and view.ballots_counted == 12
        async with write_transaction():
            await service.extend_ballot(s.ballot_id, closes + dt.timedelta(days=1), s.council_id, now)
        jobs = await queue.waiting_jobs(tested, service.COUNT_AT_CLOSE)  # type: ignore[arg-type]
        assert len(jobs) == 2  # the ballot's own and the extension's, enqueued through pgbouncer
    finally:
        await close_postgres_pool(tested)  # type: ignore[arg-type]
        bind_engine(pg)  # type: ignore[arg-type]


class CountingEngine(PostgresEngine):
    """A real engine that notes the queries it ran (to tell which node a page read from)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.ran: list[str] = []

    async def run_querystring(self, querystring, in_pool: bool = True):
        self.ran.append(str(querystring.template)[:60])
        return await super().run_querystring(querystring, in_pool)


async def test_public_read_only_pages_read_from_the_replica(pg: object, settings) -> None:
    from server.app import create_app

    dsn = pg.config["dsn"]  # type: ignore[attr-defined]
    routed = engine_from_url(dsn, replica_url=dsn)
    replica = CountingEngine(config={"dsn": dsn})
    routed.extra_nodes[REPLICA] = replica  # type: ignore[attr-defined]
    await start_postgres_pool(routed)  # type: ignore[arg-type]
    try:
        s = await make_ballot()
        voter = await make_account(neighborhood_id=s.hood, birth_year=1980)
        app = create_app(settings, engine=routed)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
            for path in ("/dashboard/", "/api/v1/cycles"):
                before = len(replica.ran)
                assert (await client.get(path)).status_code == 200
                assert len(replica.ran) > before, path
            before = len(replica.ran)
            for path in ("/", "/ballots", f"/ballots/{s.ballot_id}", "/ballots/receipt"):
                assert (await client.get(path)).status_code in (200, 303), path
            receipt = await service.cast_online(s.ballot_id, voter.id, [s.proposals[0]])
            assert await service.lookup_receipt(receipt) is not None
            assert len(replica.ran) == before  # casting, receipts and every other page: the primary
    finally:
        await close_postgres_pool(routed)  # type: ignore[arg-type]
        bind_engine(pg)  # type: ignore[arg-type]
