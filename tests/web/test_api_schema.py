"""Property-based checks of the open data API from its own OpenAPI schema (schemathesis 4): every
operation in /api/schema/openapi.json, with generated inputs, never errors on the server and answers
as its schema says. Operations added to the schema are picked up automatically.

The app runs in-process over ASGI on a fresh copy of the migrated SQLite database. schemathesis
drives the app from its own event loop, which an asyncpg pool made in the test's loop cannot follow
(see DESIGN.md), so this file runs on SQLite only; the JSON API's own tests cover PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from piccolo.engine.sqlite import SQLiteEngine
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from server.database import SQLITE_BUSY_TIMEOUT, bind_engine, prepare_sqlite_file

SCHEMA_PATH = "/api/schema/openapi.json"


@pytest.fixture
def api_schema(databases, tmp_path: Path, settings):
    from server.app import create_app

    path = tmp_path / "api.sqlite3"
    shutil.copy(databases.sqlite_template, path)
    engine = SQLiteEngine(path=str(path), timeout=SQLITE_BUSY_TIMEOUT)
    prepare_sqlite_file(engine)
    bind_engine(engine)
    app = create_app(settings, engine=engine)
    return schemathesis.openapi.from_asgi(SCHEMA_PATH, app)


def test_every_api_operation_conforms_to_its_schema(api_schema) -> None:
    # Each operation's hypothesis strategy is driven here rather than with `@schema.parametrize()` on a
    # `schemathesis.pytest.from_fixture` schema: that path reads a pytest internal removed in pytest 9.
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert operations, "the OpenAPI schema lists no operation"
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case) -> None:
            case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])

        try:
            check()
        except Exception as exc:  # collected so that one report names every failing operation
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "API operations that break their schema:\n" + "\n".join(failures)


def test_schema_lists_at_least_the_health_check(api_schema) -> None:
    operations = [op.ok() for op in api_schema.get_all_operations()]
    assert any(op.path == "/healthz" and op.method.upper() == "GET" for op in operations)
