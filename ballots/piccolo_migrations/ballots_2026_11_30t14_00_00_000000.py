"""Turnout counts spread over shards (issue 21): every ballot cast in one turnout group used to add
one to the same row, so on PostgreSQL each cast waited for the previous one's commit (a row lock
held through the WAL flush), which capped casting near 300 ballots a second however many cores
there were. A cast now adds one to a random one of 16 rows of its group (`shard`); readers sum the
rows of a group, as they always did. Existing counts stay in shard 0."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Ballots: turnout counts spread over shards"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="ballots", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        for statement in ('ALTER TABLE turnout_count ADD COLUMN "shard" SMALLINT NOT NULL DEFAULT 0',
                          "DROP INDEX turnout_count_key",
                          "CREATE UNIQUE INDEX turnout_count_key ON turnout_count (ballot, origin, age_band, shard)"):
            await engine.run_ddl(statement)

    async def back() -> None:
        engine = engine_finder()
        for statement in ("DROP INDEX turnout_count_key",
                          "CREATE TEMPORARY TABLE turnout_sum AS SELECT ballot, origin, age_band, SUM(n) AS n "
                          "FROM turnout_count GROUP BY ballot, origin, age_band",
                          "DELETE FROM turnout_count",
                          "INSERT INTO turnout_count (ballot, origin, age_band, n, shard) "
                          "SELECT ballot, origin, age_band, n, 0 FROM turnout_sum",
                          "DROP TABLE turnout_sum",
                          "CREATE UNIQUE INDEX turnout_count_key ON turnout_count (ballot, origin, age_band)",
                          "ALTER TABLE turnout_count DROP COLUMN shard"):
            await engine.run_ddl(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(back)
    return manager
