"""The pooled SQLite engine keeps a few connections between queries, and a failed query leaves
nothing behind that would lock other writers out."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from piccolo.engine.sqlite import SQLiteEngine

from server.database import (
    PooledSQLiteEngine,
    bind_engine,
    is_unique_violation,
    migrate,
    prepare_sqlite_file,
    write_transaction,
)
from server.stores.tables import StoreEntry


@pytest.fixture
async def engine(tmp_path: Path):
    path = tmp_path / "pool.sqlite3"
    await migrate(SQLiteEngine(path=str(path)))
    pooled = PooledSQLiteEngine(path=str(path), timeout=0.2, pool_size=3)
    prepare_sqlite_file(pooled)
    bind_engine(pooled)
    yield pooled
    await pooled.close_idle_connections()


async def test_connections_are_reused_and_the_pool_stays_bounded(engine: PooledSQLiteEngine) -> None:
    await StoreEntry.insert(StoreEntry(namespace="pool", key="a", value=b"1"))
    first = list(engine._idle)
    assert len(first) == 1
    assert await StoreEntry.count().where(StoreEntry.namespace == "pool") == 1
    assert engine._idle == first  # the same connection served the next query
    counts = await asyncio.gather(*[StoreEntry.count() for _ in range(12)])
    assert counts == [1] * 12 and len(engine._idle) <= 3


def _write_without_waiting(path: str, key: str) -> None:
    other = sqlite3.connect(path, timeout=0)
    try:
        other.execute("INSERT INTO store_entry (namespace, key, value) VALUES ('pool', ?, x'31')", (key,))
        other.commit()
    finally:
        other.close()


async def test_a_failed_write_leaves_no_lock_behind(engine: PooledSQLiteEngine) -> None:
    await StoreEntry.insert(StoreEntry(namespace="pool", key="same", value=b"1"))
    with pytest.raises(Exception) as refused:
        await StoreEntry.insert(StoreEntry(namespace="pool", key="same", value=b"2"))
    assert is_unique_violation(refused.value)
    _write_without_waiting(engine.path, "after the failure")
    assert await StoreEntry.count().where(StoreEntry.namespace == "pool") == 2


async def test_no_more_connections_than_the_pool_under_many_concurrent_queries(
        engine: PooledSQLiteEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[object] = []
    open_connection = engine.get_connection

    async def counting() -> object:
        connection = await open_connection()
        opened.append(connection)
        return connection

    monkeypatch.setattr(engine, "get_connection", counting)
    await StoreEntry.insert(StoreEntry(namespace="pool", key="a", value=b"1"))
    for _ in range(3):
        counts = await asyncio.gather(*[StoreEntry.count() for _ in range(40)])
        assert counts == [1] * 40
    # Forty queries at once, three times over, ran on the pool's three connections: the rest waited.
    assert len(opened) == 3 and len(engine._idle) == 3


async def test_a_failed_query_frees_its_place_in_the_pool(engine: PooledSQLiteEngine) -> None:
    for _ in range(5):  # more failures than the pool has places
        with pytest.raises(sqlite3.OperationalError):
            await StoreEntry.raw("SELECT * FROM no_such_table")
    counts = await asyncio.gather(*[StoreEntry.count() for _ in range(10)])
    assert counts == [0] * 10 and engine._open <= 3


async def test_a_cancelled_wait_does_not_strand_the_queries_behind_it(engine: PooledSQLiteEngine) -> None:
    tasks = [asyncio.create_task(StoreEntry.count().run()) for _ in range(12)]
    await asyncio.sleep(0)  # all twelve started: three hold connections, nine wait
    assert len(engine._waiters) == 9
    for task in tasks[3:8]:
        task.cancel()
    done = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout=10)
    assert [r for r in done if not isinstance(r, asyncio.CancelledError)] == [0] * 7
    assert await StoreEntry.count() == 0 and engine._open <= 3 and not engine._waiters


async def test_a_transaction_reuses_a_connection_and_a_failed_one_is_not_kept(engine: PooledSQLiteEngine) -> None:
    async with write_transaction():
        await StoreEntry.insert(StoreEntry(namespace="pool", key="a", value=b"1"))
    kept = list(engine._idle_for_transactions)
    assert len(kept) == 1
    async with write_transaction():
        await StoreEntry.insert(StoreEntry(namespace="pool", key="b", value=b"1"))
    assert engine._idle_for_transactions == kept  # the same connection ran the second transaction
    with pytest.raises(RuntimeError):
        async with write_transaction():
            await StoreEntry.insert(StoreEntry(namespace="pool", key="c", value=b"1"))
            raise RuntimeError("the caller gave up")
    # Rolled back, and the connection is at rest, so another writer is not locked out.
    _write_without_waiting(engine.path, "after the rollback")
    keys = {row["key"] for row in await StoreEntry.select(StoreEntry.key).where(StoreEntry.namespace == "pool")}
    assert keys == {"a", "b", "after the rollback"}
    assert not any(connection.in_transaction for connection in engine._idle_for_transactions)


async def test_a_transaction_that_cannot_get_the_write_lock_leaves_no_connection_open(
        engine: PooledSQLiteEngine) -> None:
    import threading

    await StoreEntry.count()  # the pool's connection, opened before counting threads
    before = threading.active_count()
    holder = sqlite3.connect(engine.path, timeout=0, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds SQLite's write lock
    try:
        for _ in range(3):
            with pytest.raises(sqlite3.OperationalError):
                async with write_transaction():
                    await StoreEntry.insert(StoreEntry(namespace="pool", key="never", value=b"1"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    for _ in range(100):  # a closed connection's thread ends just after close() returns
        if threading.active_count() == before:
            break
        await asyncio.sleep(0.01)
    assert threading.active_count() == before and not engine._idle_for_transactions
    async with write_transaction():  # and writing works again at once
        await StoreEntry.insert(StoreEntry(namespace="pool", key="after", value=b"1"))
