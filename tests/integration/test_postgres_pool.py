"""The PostgreSQL pool gives connections back without asyncpg's reset query (issue 21), and a
transaction left open is still rolled back before the connection is reused."""

from __future__ import annotations

import os

import asyncpg
import pytest
from piccolo.engine.postgres import PostgresEngine
from piccolo.querystring import QueryString

from server.database import engine_from_url, one_connection, start_postgres_pool

PG_URL = os.environ.get("TOWNSQUARE_TEST_POSTGRES_URL")
pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not PG_URL, reason="needs TOWNSQUARE_TEST_POSTGRES_URL (CI sets it)")]


async def _last_query(backend_pid: int) -> str:
    observer = await asyncpg.connect(PG_URL)
    try:
        return await observer.fetchval("SELECT query FROM pg_stat_activity WHERE pid = $1", backend_pid)
    finally:
        await observer.close()


async def test_released_connections_run_no_reset_query() -> None:
    engine = PostgresEngine(config={"dsn": PG_URL})
    await start_postgres_pool(engine, min_size=1, max_size=1)
    try:
        rows = await engine._run_in_pool("SELECT pg_backend_pid() AS pid, 'townsquare-pool-check' AS marker")
        # The one connection is back in the pool; the last thing it ran is our query, not
        # "SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL".
        assert "townsquare-pool-check" in await _last_query(rows[0]["pid"])

        async with engine.pool.acquire() as connection:
            await connection.execute("BEGIN")
            await connection.execute("CREATE TEMP TABLE left_open (x int)")
        # asyncpg's own clean-up still rolls back what a failed request left open.
        async with engine.pool.acquire() as connection:
            assert not connection.is_in_transaction()
            assert await connection.fetchval("SELECT to_regclass('pg_temp.left_open')") is None
    finally:
        await engine.close_connection_pool()


async def test_one_connection_serves_a_pages_reads_and_gives_it_back() -> None:
    engine = engine_from_url(PG_URL)
    await start_postgres_pool(engine, min_size=3, max_size=3)
    pool = engine.pool
    pid = "SELECT pg_backend_pid() AS pid"
    try:
        async with one_connection():
            pids = set()
            for _ in range(5):
                pids.add((await engine._run_in_pool(pid))[0]["pid"])
                assert pool.get_idle_size() == 2  # one connection lent to the block, kept between reads
            async with one_connection():  # nested: the same connection
                pids.add((await engine._run_in_pool(pid))[0]["pid"])
            # A transaction inside takes a connection of its own, as it always does.
            async with engine.transaction():
                in_transaction = (await engine.run_querystring(QueryString(pid)))[0]["pid"]
        assert len(pids) == 1 and in_transaction not in pids
        assert pool.get_idle_size() == 3  # given back
        # Given back on an error too; outside the block each read takes and gives back a connection.
        with pytest.raises(asyncpg.UndefinedTableError):
            async with one_connection():
                await engine._run_in_pool("SELECT * FROM no_such_table")
        assert pool.get_idle_size() == 3
        await engine._run_in_pool(pid)
        assert pool.get_idle_size() == 3
    finally:
        await engine.close_connection_pool()
