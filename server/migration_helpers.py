"""Schema pieces Piccolo's auto migrations cannot express on both engines."""

from __future__ import annotations

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder


def add_unique_index(manager: MigrationManager, name: str, table: str, columns: list[str]) -> None:
    """A composite unique index (Piccolo runs raw steps before creating tables, so call this in a
    migration after the one that creates `table`): Piccolo's composite `Unique` constraint fails on SQLite, while a
    plain CREATE UNIQUE INDEX works the same on SQLite and PostgreSQL."""
    cols = ", ".join(columns)

    async def forwards() -> None:
        await engine_finder().run_ddl(f"CREATE UNIQUE INDEX {name} ON {table} ({cols})")

    async def backwards() -> None:
        await engine_finder().run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(forwards)
    manager.add_raw_backwards(backwards)


def add_index(manager: MigrationManager, name: str, table: str, columns: list[str]) -> None:
    cols = ", ".join(columns)

    async def forwards() -> None:
        await engine_finder().run_ddl(f"CREATE INDEX {name} ON {table} ({cols})")

    async def backwards() -> None:
        await engine_finder().run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(forwards)
    manager.add_raw_backwards(backwards)
