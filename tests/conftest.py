"""Shared fixtures: a real database on each engine, an app bound to it, and an HTTP client.

Every test that takes `db` runs once on SQLite and, when TOWNSQUARE_TEST_POSTGRES_URL is set, once
on PostgreSQL (a fresh database created for this test session and dropped after). Under CI the
PostgreSQL run is required, never skipped."""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import httpx
import pytest
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from server.database import (
    SQLITE_BUSY_TIMEOUT,
    PooledSQLiteEngine,
    all_tables,
    bind_engine,
    engine_from_url,
    migrate,
    prepare_sqlite_file,
    start_postgres_pool,
)

PG_URL = os.environ.get("TOWNSQUARE_TEST_POSTGRES_URL")
IN_CI = os.environ.get("CI", "").lower() == "true"
ENGINES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)] if PG_URL else ["sqlite"]
TEST_SECRET = "test-secret-key-that-is-long-enough-for-csrf-0123456789"


def pytest_configure(config: pytest.Config) -> None:
    from argon2 import PasswordHasher, profiles

    from server import passwords

    # In-process tests hash at argon2's cheapest cost (tests/unit/test_passwords.py checks the
    # production parameters); servers started by the browser and load tests hash at full cost.
    passwords.use_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))
    # Services that derive keys from SECRET_KEY (sealed ballots) see the apps' key in every test.
    from server.secret import set_secret_key

    set_secret_key(TEST_SECRET)
    if IN_CI and not PG_URL:
        raise pytest.UsageError("CI=true but TOWNSQUARE_TEST_POSTGRES_URL is not set: PostgreSQL tests must run")


def _with_database(url: str, name: str) -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(path=f"/{name}"))


class Databases:
    """What the session prepared once: a migrated SQLite file to copy, and a PostgreSQL engine."""

    def __init__(self, sqlite_template: Path, postgres: PostgresEngine | None) -> None:
        self.sqlite_template = sqlite_template
        self.postgres = postgres


@pytest.fixture(scope="session")
async def databases(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Databases]:
    import asyncpg

    # One migrated SQLite file; each test gets a copy, which is far cheaper than migrating.
    template = tmp_path_factory.mktemp("sqlite") / "template.sqlite3"
    await migrate(SQLiteEngine(path=str(template), timeout=SQLITE_BUSY_TIMEOUT))
    if not PG_URL:
        yield Databases(template, None)
        return
    name = f"townsquare_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(PG_URL)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    engine = engine_from_url(_with_database(PG_URL, name))  # the engine class a deployment uses
    await migrate(engine)
    await start_postgres_pool(engine, min_size=1, max_size=8)
    try:
        yield Databases(template, engine)
    finally:
        await engine.close_connection_pool()
        admin = await asyncpg.connect(PG_URL)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _truncate(engine: PostgresEngine) -> None:
    """Empty every table and start every id again at 1. DELETE, not TRUNCATE: TRUNCATE gives each of
    the ~80 tables new files, which cost 1.5 s per test on this machine's disk against 0.15 s (the
    PostgreSQL half of the suite spent most of its time here). Foreign keys and triggers (the ballot
    tables refuse deletes) are off for this session only while it runs (`session_replication_role`,
    which needs the superuser the tests connect as; without it, TRUNCATE as before)."""
    from server.queue import table_names

    names = [t._meta.tablename for t in all_tables() if t._meta.tablename != "migration"] + table_names()
    async with engine.pool.acquire() as connection:
        if not await connection.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"):
            await connection.execute(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE")
            return
        # The sequences of those tables' ids (serial and identity columns), as RESTART IDENTITY did.
        sequences = await connection.fetch(
            "SELECT s.oid::regclass::text AS name FROM pg_class s"
            " JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i')"
            " JOIN pg_class t ON t.oid = d.refobjid"
            " WHERE s.relkind = 'S' AND t.relname = ANY($1::text[])", names)
        # setval, not ALTER SEQUENCE ... RESTART, which gives each sequence a new file too (0.01 s against 0.1).
        restart = ", ".join(f"setval('{row['name']}', 1, false)" for row in sequences)
        await connection.execute("".join([
            "SET session_replication_role = replica;",
            *(f"DELETE FROM {name};" for name in names),
            "SET session_replication_role = DEFAULT;",
            f"SELECT {restart};" if restart else "",
        ]))


@pytest.fixture(params=ENGINES)
async def db(request: pytest.FixtureRequest, databases: Databases, tmp_path: Path) -> AsyncIterator[object]:
    """A migrated, empty database bound to every table; yields the engine."""
    from ballots import open_cache

    open_cache.forget()  # ids start again at 1 in every test's database
    if request.param == "sqlite":
        path = tmp_path / "db.sqlite3"
        shutil.copy(databases.sqlite_template, path)
        engine = PooledSQLiteEngine(path=str(path), timeout=SQLITE_BUSY_TIMEOUT)
        prepare_sqlite_file(engine)
        bind_engine(engine)
        try:
            yield engine
        finally:
            await engine.close_idle_connections()
    else:
        assert databases.postgres is not None
        bind_engine(databases.postgres)
        try:
            yield databases.postgres
        finally:
            await _truncate(databases.postgres)


class DemoData:
    """The demo data (server/demo.py), loaded at most once per engine in a test session: loading it
    takes 11 s of CPU on a quiet machine, and eight tests on two engines each loaded it to read it."""

    def __init__(self, databases: Databases, root: Path) -> None:
        self.databases = databases
        self.root = root
        self.loaded: dict[str, tuple[Any, Any, Path]] = {}
        self.pg_names: list[str] = []

    async def get(self, kind: str) -> tuple[Any, Any, Path]:
        """(the SQLite file to copy, or the PostgreSQL engine; the DemoContext; its var folder)."""
        if kind not in self.loaded:
            self.loaded[kind] = await self._load(kind)
        return self.loaded[kind]

    async def _load(self, kind: str) -> tuple[Any, Any, Path]:
        import asyncpg

        from ballots import open_cache
        from server.demo import load_demo

        var_dir = self.root / kind / "var"
        previous = os.environ.get("TOWNSQUARE_VAR_DIR")
        os.environ["TOWNSQUARE_VAR_DIR"] = str(var_dir)  # where the demo's photos go
        open_cache.forget()
        try:
            if kind == "sqlite":
                path = self.root / "demo.sqlite3"
                shutil.copy(self.databases.sqlite_template, path)
                engine = PooledSQLiteEngine(path=str(path), timeout=SQLITE_BUSY_TIMEOUT)
                prepare_sqlite_file(engine)
                bind_engine(engine)
                ctx = await load_demo(progress=lambda _line: None)
                await engine.close_idle_connections()
                with sqlite3.connect(path) as done:  # everything in the file itself, for copies
                    done.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                return path, ctx, var_dir
            assert PG_URL is not None
            name = f"townsquare_demo_{os.getpid()}_{uuid.uuid4().hex[:8]}"
            admin = await asyncpg.connect(PG_URL)
            await admin.execute(f'CREATE DATABASE "{name}"')
            await admin.close()
            self.pg_names.append(name)
            engine = engine_from_url(_with_database(PG_URL, name))
            await migrate(engine)
            await start_postgres_pool(engine, min_size=1, max_size=4)
            bind_engine(engine)
            ctx = await load_demo(progress=lambda _line: None)
            # Every demo test reads this one database, so none may write to it: from here on its
            # connections refuse writes, and a test that tries fails there, not in a later test.
            await engine.close_connection_pool()
            admin = await asyncpg.connect(PG_URL)
            await admin.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
            await admin.close()
            await start_postgres_pool(engine, min_size=1, max_size=4)
            return engine, ctx, var_dir
        finally:
            open_cache.forget()
            if previous is None:
                os.environ.pop("TOWNSQUARE_VAR_DIR", None)
            else:
                os.environ["TOWNSQUARE_VAR_DIR"] = previous

    async def close(self) -> None:
        import asyncpg

        for source, _ctx, _var in self.loaded.values():
            if not isinstance(source, Path):
                await source.close_connection_pool()
        if self.pg_names:
            admin = await asyncpg.connect(PG_URL)
            for name in self.pg_names:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()


@pytest.fixture(scope="session")
async def demo_data(databases: Databases, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[DemoData]:
    data = DemoData(databases, tmp_path_factory.mktemp("demo"))
    try:
        yield data
    finally:
        await data.close()


@pytest.fixture(params=ENGINES)
async def demo(request: pytest.FixtureRequest, demo_data: DemoData, tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Any]:
    """The demo data on each engine, loaded once per session; yields its DemoContext. For tests that
    read it and write nothing: on SQLite each test gets its own copy, but on PostgreSQL every test
    reads the one database, which refuses writes. TOWNSQUARE_VAR_DIR points at the demo's own folder
    (its photos)."""
    from ballots import open_cache

    source, ctx, var_dir = await demo_data.get(request.param)
    monkeypatch.setenv("TOWNSQUARE_VAR_DIR", str(var_dir))
    open_cache.forget()  # another database's ballots
    if isinstance(source, Path):
        path = tmp_path / "demo.sqlite3"
        shutil.copy(source, path)
        engine = PooledSQLiteEngine(path=str(path), timeout=SQLITE_BUSY_TIMEOUT)
        bind_engine(engine)
        try:
            yield ctx
        finally:
            await engine.close_idle_connections()
    else:
        bind_engine(source)
        yield ctx
    open_cache.forget()


@pytest.fixture(scope="session")
def s3():
    """A real S3-compatible server (moto in server mode) for the whole session; buckets per test."""
    from s3_server import s3_server

    with s3_server() as server:
        yield server


@pytest.fixture
def settings_env() -> dict[str, str]:
    """Extra environment for the app's settings; a test module overrides it (a city's time zone, say)."""
    return {}


@pytest.fixture
def settings(tmp_path: Path, settings_env: dict[str, str]):
    from server.settings import load_settings

    return load_settings({"TOWNSQUARE_VAR_DIR": str(tmp_path / "var"), "SECRET_KEY": TEST_SECRET,
                          "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}", **settings_env})


# Built apps by shape (server/app.py `app_shape`): building one costs about half a second of CPU, most
# of it Litestar parsing 470 handlers, which over two thousand tests was most of the suite's time. Each
# test binds its own database, stores, folders and a fresh `app.state` to the shared build.
_BUILT: dict[str, object] = {}


@pytest.fixture
def app(db: object, settings):
    from server.app import app_shape, bind_deployment, build_app

    shape = app_shape(settings)
    built = _BUILT.get(shape)
    if built is None:
        built = _BUILT[shape] = build_app(settings)
    bind_deployment(built, settings, db)  # type: ignore[arg-type]
    return built


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver", follow_redirects=False) as c:
        yield c


@pytest.fixture
async def other_client(app) -> AsyncIterator[httpx.AsyncClient]:
    """A second browser: its own cookies, its own address."""
    transport = httpx.ASGITransport(app=app, client=("198.51.100.9", 50001))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver", follow_redirects=False) as c:
        yield c


@pytest.fixture
def query_counter(db, monkeypatch):
    """Counts every query the engine runs (all Piccolo queries go through run_querystring)."""
    counter = {"n": 0}
    engine_class = type(db)
    original = engine_class.run_querystring

    async def counting(self, *args, **kwargs):
        counter["n"] += 1
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(engine_class, "run_querystring", counting)
    return counter
