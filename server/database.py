"""The database engine for both SQLite and PostgreSQL, and the one way to open a write transaction."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlparse

import aiosqlite
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory
from piccolo.table import Table

from server.settings import check_database_url, sqlite_path

# How long a SQLite writer waits for another writer before giving up, in seconds.
SQLITE_BUSY_TIMEOUT = 30
# Connections kept between SQLite transactions: writes go one at a time per process (write_transaction).
TRANSACTION_CONNECTIONS_KEPT = 2


class PooledSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLite engine, keeping a few connections open between queries.

    Piccolo opens a new connection (and aiosqlite a new thread) for every query outside a
    transaction and closes it afterwards; on a page of a dozen queries that was most of the time
    spent in the database. Here a query takes an idle connection if there is one and gives it back
    afterwards. As in Piccolo, each query is committed at once (the connections are in autocommit
    mode), so a connection whose query finished is at rest; one whose query raised or was cancelled
    part-way is closed rather than reused. Transactions still get connections of their own
    (Piccolo's `transaction()`).

    At most `pool_size` connections run queries at once; a query beyond that waits for one to come
    back. Opening a connection beyond the pool instead (a thread, a file open, a PRAGMA) and closing
    it after one statement cost more than the wait: under 32 concurrent requests it made pages a
    third to a half dearer in CPU (BENCHMARKS.md, issue 21). Two is the default: SQLite runs each
    statement with the GIL released, so two can use both cores, while four made pages dearer again
    (threads contending for the GIL). A query holds its connection only for that one statement, so
    waiting cannot deadlock.
    """

    def __init__(self, *args: Any, pool_size: int = 2, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._idle: list[aiosqlite.Connection] = []
        self._pool_size = pool_size
        self._open = 0  # connections of the pool, idle or running a query
        self._idle_for_transactions: list[aiosqlite.Connection] = []
        self._waiters: deque[asyncio.Future[aiosqlite.Connection | None]] = deque()

    async def _take(self) -> aiosqlite.Connection:
        while True:
            if self._idle:
                return self._idle.pop()
            if self._open < self._pool_size:
                self._open += 1
                try:
                    return await self.get_connection()
                except BaseException:
                    self._lost()
                    raise
            # Futures are made on the running loop each time: one engine may serve several loops
            # in turn (the CLI, tests), which an asyncio.Semaphore bound to its first loop would refuse.
            waiter: asyncio.Future[aiosqlite.Connection | None] = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                handed = await waiter
            except BaseException:
                if waiter.done() and not waiter.cancelled():  # handed something, then cancelled: pass it on
                    connection = waiter.result()
                    if connection is None:
                        self._lost(closed=False)
                    else:
                        self._give_back(connection)
                raise
            finally:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
            if handed is not None:
                return handed
            # None: a connection was closed, so there is room to open one.

    def _first_waiter(self) -> asyncio.Future[aiosqlite.Connection | None] | None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                return waiter
        return None

    def _give_back(self, connection: aiosqlite.Connection) -> None:
        # Handed straight to the longest waiter, first come first served: left idle, it could be
        # taken by a query that arrived later while the woken one waits for its turn to run.
        waiter = self._first_waiter()
        if waiter is None:
            self._idle.append(connection)
        else:
            waiter.set_result(connection)

    def _lost(self, closed: bool = True) -> None:
        if closed:
            self._open -= 1
        waiter = self._first_waiter()
        if waiter is not None:
            waiter.set_result(None)

    async def get_connection(self) -> aiosqlite.Connection:
        pending = aiosqlite.connect(**self.connection_kwargs)
        # Idle connections may outlive whoever forgot to close the engine (a CLI command, a test):
        # their worker threads must not keep the process from exiting. Killing an idle SQLite
        # connection at exit is as safe as a crash, which SQLite is built to survive.
        worker = getattr(pending, "_thread", None)
        if worker is not None:
            worker.daemon = True
        connection = await pending
        connection.row_factory = dict_factory  # type: ignore[assignment]
        await connection.execute("PRAGMA foreign_keys = 1")
        return connection

    async def _run_in_new_connection(
        self, query: str, args: list[Any] | None = None, query_type: str = "generic",
        table: type[Table] | None = None,
    ) -> list[dict[str, Any]]:
        if query_type == "insert" and self.get_version_sync() < 3.35:  # no RETURNING: Piccolo's own way
            return await super()._run_in_new_connection(query, args, query_type, table)
        connection = await self._take()
        reusable = False
        try:
            # One trip to the connection's thread, not four (execute, commit, fetch, close): the
            # connection is in autocommit mode, so the statement is committed once fetchall has
            # stepped it to the end, and an explicit commit would do nothing. Each trip is a queue
            # hand-off and a wake-up of the event loop, about 0.1 ms of CPU (issue 21).
            rows = await connection.execute_fetchall(query, args or [])
            reusable = True
            return rows  # type: ignore[return-value]
        finally:
            if reusable:
                self._give_back(connection)
            else:
                self._lost()
                await connection.close()

    async def _run_in_existing_connection(
        self, connection: aiosqlite.Connection, query: str, args: list[Any] | None = None,
        query_type: str = "generic", table: type[Table] | None = None,
    ) -> list[dict[str, Any]]:
        # Inside a transaction: one trip to the thread instead of three (execute, fetch, close).
        if query_type == "insert" and self.get_version_sync() < 3.35:
            return await super()._run_in_existing_connection(connection, query, args, query_type, table)
        return await connection.execute_fetchall(query, args or [])  # type: ignore[return-value]

    def transaction(self, transaction_type: TransactionType = TransactionType.deferred,
                    allow_nested: bool = True) -> SQLiteTransaction:
        return _ReusedConnectionTransaction(engine=self, transaction_type=transaction_type,
                                            allow_nested=allow_nested)

    async def close_idle_connections(self) -> None:
        idle, self._idle = self._idle, []
        self._open -= len(idle)
        idle += self._idle_for_transactions
        self._idle_for_transactions = []
        for connection in idle:
            await connection.close()


class _ReusedConnectionTransaction(SQLiteTransaction):
    """Piccolo's SQLite transaction, on a connection kept from an earlier transaction when there is
    one, instead of a new connection (and thread) per transaction. These are kept apart from the
    query pool and not bounded by it: code inside a transaction never waits for the pool, so a busy
    pool cannot stall a transaction holding the write lock."""

    engine: PooledSQLiteEngine

    async def get_connection(self) -> aiosqlite.Connection:
        kept = self.engine._idle_for_transactions
        return kept.pop() if kept else await self.engine.get_connection()

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is not None:
            return self._parent
        self.connection = await self.get_connection()
        try:
            await self.begin()
        except BaseException:
            # BEGIN IMMEDIATE gave up waiting for the write lock: Piccolo would leave this
            # connection (and its thread) open and unreferenced.
            await self.connection.close()
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent:
            return exception is None
        ended = False
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
            ended = True
        finally:
            self.engine.current_transaction.reset(self.context)
            kept = self.engine._idle_for_transactions
            # Only a connection whose transaction ended cleanly is kept; a failed COMMIT or ROLLBACK
            # may leave it mid-transaction, holding SQLite's lock.
            if ended and not self.connection.in_transaction and len(kept) < TRANSACTION_CONNECTIONS_KEPT:
                kept.append(self.connection)
            else:
                await self.connection.close()
        return exception is None


# Set while a public read-only page is being answered (server/replica.py): its reads may go to the replica.
reading_from_replica: ContextVar[bool] = ContextVar("reading_from_replica", default=False)
REPLICA = "replica"

# Inside `one_connection`: the pooled connection each engine (the primary, a replica) lent the block.
_held: ContextVar[dict[int, tuple[Any, Any]] | None] = ContextVar("held_connections", default=None)


@asynccontextmanager
async def one_connection() -> AsyncIterator[None]:
    """The queries inside run one after another on one pooled connection per engine, taken at the
    first and given back at the end, instead of an acquire and a release around each: those cost
    about a tenth of a millisecond of CPU each, on pages that read up to fifteen times (issue 21).
    For a page's reads, not its rendering: a held connection is one fewer for other requests. The
    queries must not run concurrently (a connection runs one at a time); a transaction inside uses
    its own connection, as it would anyway. No effect on SQLite."""
    if _held.get() is not None:
        yield
        return
    held: dict[int, tuple[Any, Any]] = {}
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)
        for pool, connection in held.values():
            await pool.release(connection)


class _PostgresHoldingConnections(PostgresEngine):
    """Piccolo's PostgreSQL engine, running a query outside a transaction on the connection
    `one_connection` holds, if any."""

    async def _run_in_pool(self, query: str, args: Any = None) -> Any:
        held = _held.get()
        if held is None or not self.pool:
            return await super()._run_in_pool(query, args)
        if (entry := held.get(id(self))) is None:
            entry = held[id(self)] = (self.pool, await self.pool.acquire())
        return await entry[1].fetch(query, *(args or ()))


class RoutingPostgresEngine(_PostgresHoldingConnections):
    """Piccolo's PostgreSQL engine, sending the SELECTs of public read-only pages to the read replica
    (Piccolo's `extra_nodes`) when one is configured. Everything else stays on the primary: writes,
    transactions (a receipt check or a cast reads what it is about to write), and every page not
    marked as public and read-only (server/replica.py). A write routed here by mistake fails loudly
    on the replica, which refuses writes, rather than going astray."""

    async def run_querystring(self, querystring: Any, in_pool: bool = True) -> Any:
        replica = self.extra_nodes.get(REPLICA)
        if (replica is not None and reading_from_replica.get() and self.current_transaction.get() is None
                and _sql_text(querystring).lstrip()[:6].upper() == "SELECT"):
            return await replica.run_querystring(querystring, in_pool)
        return await super().run_querystring(querystring, in_pool)


def _sql_text(querystring: Any) -> str:
    """The statement's SQL: a query prepared once (server/prepared.py) carries it already compiled,
    with an empty template."""
    frozen = getattr(querystring, "_frozen_compiled_strings", None)
    return frozen[0] if frozen else str(querystring.template)


def _postgres_config(url: str, pgbouncer: bool) -> dict[str, Any]:
    config: dict[str, Any] = {"dsn": url.replace("postgres://", "postgresql://", 1)}
    if pgbouncer:
        # pgbouncer 1.18 (Debian 12) in transaction mode hands each transaction whichever server
        # connection is free, so a statement prepared by name on one is missing on the next;
        # without a cache asyncpg prepares unnamed statements, which live only for their query.
        config["statement_cache_size"] = 0
    return config


def engine_from_url(url: str, *, pgbouncer: bool = False, replica_url: str | None = None) -> Engine:
    """An engine for `url`; tables are bound to it with `bind_engine`."""
    check_database_url(url)
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        return PooledSQLiteEngine(path=str(path), timeout=SQLITE_BUSY_TIMEOUT)
    extra = ({REPLICA: _PostgresHoldingConnections(config=_postgres_config(replica_url, pgbouncer))}
             if replica_url else {})
    return RoutingPostgresEngine(config=_postgres_config(url, pgbouncer), extra_nodes=extra)


def engine_for(settings: Any) -> Engine:
    """The engine the settings describe: DATABASE_URL, through pgbouncer or not, with its replica."""
    return engine_from_url(settings.database_url, pgbouncer=settings.pgbouncer,
                           replica_url=settings.replica_database_url)


async def _keep_session(connection: object) -> None:
    """asyncpg's pool reset, replaced by nothing.

    By default asyncpg runs `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`
    every time a connection goes back to the pool, which through Piccolo is after every query: one
    extra round trip per statement (25 of them per ballot cast, BENCHMARKS.md). Nothing here leaves
    state on a connection for the next user: no LISTEN, no advisory locks, no SET of session
    settings, no cursors held past a query. asyncpg still rolls back a transaction left open (its
    internal reset runs before this one), so a failed request cannot hand on a half-done transaction.
    Whoever adds LISTEN, advisory locks or session settings must put the reset back (for that pool).
    """
    return None


async def start_postgres_pool(engine: PostgresEngine, min_size: int = 2, max_size: int = 10) -> None:
    """Open the engine's connection pool (and its replica's) without asyncpg's per-release reset query."""
    await engine.start_connection_pool(min_size=min_size, max_size=max_size, reset=_keep_session)
    for node in engine.extra_nodes.values():
        await node.start_connection_pool(min_size=1, max_size=max_size, reset=_keep_session)


async def close_postgres_pool(engine: PostgresEngine) -> None:
    for node in engine.extra_nodes.values():
        await node.close_connection_pool()
    await engine.close_connection_pool()


def is_sqlite(engine: Engine) -> bool:
    return engine.engine_type == "sqlite"


def prepare_sqlite_file(engine: Engine) -> None:
    """Switch a SQLite file to WAL so readers never wait for the writer; the mode persists in the file."""
    if not is_sqlite(engine):
        return
    with sqlite3.connect(engine.path, timeout=SQLITE_BUSY_TIMEOUT) as conn:
        conn.execute("PRAGMA journal_mode=WAL")


def all_tables() -> list[type[Table]]:
    from piccolo.apps.migrations.tables import Migration
    from piccolo.conf.apps import Finder

    return [*Finder().get_table_classes(), Migration]


def bind_engine(engine: Engine) -> None:
    """Point every table, and Piccolo's migration runner, at `engine`."""
    import server.piccolo_conf as conf

    conf.DB = engine
    for table in all_tables():
        table._meta.db = engine


def current_engine() -> Engine:
    import server.piccolo_conf as conf

    return conf.DB


@asynccontextmanager
async def write_transaction() -> AsyncIterator[object]:
    """Open a transaction that will write.

    SQLite's default DEFERRED transaction takes the write lock only at the first write, so two
    transactions that both read then write deadlock into "database is locked"; IMMEDIATE takes it
    up front and the second writer waits (busy timeout) instead. PostgreSQL needs nothing special.
    """
    engine = current_engine()
    if is_sqlite(engine):
        if engine.current_transaction.get() is not None:  # nested: the outer one holds the lock
            async with engine.transaction(transaction_type=TransactionType.immediate) as tx:
                yield tx
            return
        # One writer per process at a time, queued fairly by asyncio. Without this, every request
        # in flight waits in SQLite's busy handler, which polls with growing sleeps rather than
        # queueing: under load some waited past the busy timeout and failed (BENCHMARKS.md, SQLite
        # load run). With it, only one connection per process competes for the file lock.
        async with _sqlite_writer_lock(engine), engine.transaction(transaction_type=TransactionType.immediate) as tx:
            yield tx
    else:
        async with engine.transaction() as tx:
            yield tx


# One lock per database file (SQLite's write lock is per file), for the running event loop.
_writer_locks: dict[str, tuple[asyncio.AbstractEventLoop, asyncio.Lock]] = {}


def _sqlite_writer_lock(engine: SQLiteEngine) -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    held = _writer_locks.get(engine.path)
    if held is None or held[0] is not loop:  # an asyncio.Lock belongs to one event loop
        held = (loop, asyncio.Lock())
        _writer_locks[engine.path] = held
    return held[1]


async def migrate(engine: Engine | None = None) -> None:
    """Apply every pending migration of every app to `engine` (default: the configured one), and on
    PostgreSQL create or upgrade the job queue's tables (server/queue.py)."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    if engine is not None:
        bind_engine(engine)
    prepare_sqlite_file(current_engine())
    result = await run_forwards("all")
    if not result.success:
        raise RuntimeError(f"migrations failed: {result.message}")
    engine = current_engine()
    if not is_sqlite(engine):
        from server import queue

        await queue.install(engine.config["dsn"])


def is_unique_violation(exc: BaseException) -> bool:
    """A unique index refused a row (SQLite's "UNIQUE constraint failed", PostgreSQL's
    UniqueViolationError / "duplicate key"): services turn that into "already done" outcomes."""
    text = f"{type(exc).__name__} {exc}".lower()
    return "unique" in text or "duplicate key" in text
