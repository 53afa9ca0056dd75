"""The pooled SQLite engine keeps a few connections between queries, and a failed query leaves
nothing behind that would lock other writers out."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from piccolo.engine.sqlite import SQLiteEngine

from server.database import PooledSQLiteEngine, bind_engine, is_unique_violation, migrate, prepare_sqlite_file
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
