"""Sealed ballots (issue 13): while voting is open a cast ballot is stored only encrypted
(`sealed_ballot`), turnout is kept as counts (`turnout_count`), each ballot has a sealing salt and
a key-check value, and a counted ballot carries the fingerprint published for its receipt.
Additive only: ballots already open or closed keep their plain `cast_ballot` rows, which the
close-time job rewrites (ballots/service.py `unseal`)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T07:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Ballots: sealed ballots, turnout counts, sealing salt and key check, receipt fingerprints"


def _statements(sqlite: bool) -> list[str]:
    serial = "INTEGER PRIMARY KEY NOT NULL" if sqlite else "SERIAL PRIMARY KEY NOT NULL"
    blob = "BLOB" if sqlite else "BYTEA"
    fk = 'INTEGER NOT NULL REFERENCES "ballot" ("id") ON DELETE CASCADE ON UPDATE CASCADE'
    return [
        'ALTER TABLE "ballot" ADD COLUMN "seal_salt" VARCHAR(64) NOT NULL DEFAULT \'\'',
        'ALTER TABLE "ballot" ADD COLUMN "key_check" VARCHAR(64) NOT NULL DEFAULT \'\'',
        'ALTER TABLE "cast_ballot" ADD COLUMN "fingerprint" VARCHAR(64) DEFAULT NULL',
        "CREATE INDEX cast_ballot_fingerprint ON cast_ballot (fingerprint)",
        # Finds ballots still holding rows from before sealing (origin set) without reading every row.
        "CREATE INDEX cast_ballot_origin ON cast_ballot (ballot, origin)",
        f'CREATE TABLE "sealed_ballot" ("id" UUID PRIMARY KEY NOT NULL, "ballot" {fk}, '
        f'"lookup" VARCHAR(64) UNIQUE DEFAULT NULL, "sealed" {blob} NOT NULL, '
        '"superseded" BOOLEAN NOT NULL DEFAULT false)',
        "CREATE INDEX sealed_ballot_ballot ON sealed_ballot (ballot, superseded)",
        f'CREATE TABLE "turnout_count" ("id" {serial}, "ballot" {fk}, '
        '"origin" VARCHAR(10) NOT NULL DEFAULT \'\', "age_band" VARCHAR(10) NOT NULL DEFAULT \'\', '
        '"n" INTEGER NOT NULL DEFAULT 0)',
        "CREATE UNIQUE INDEX turnout_count_key ON turnout_count (ballot, origin, age_band)",
    ]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="ballots", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        for statement in _statements(engine.engine_type == "sqlite"):
            await engine.run_ddl(statement)

    async def back() -> None:
        engine = engine_finder()
        for statement in ("DROP TABLE IF EXISTS turnout_count", "DROP TABLE IF EXISTS sealed_ballot",
                          "DROP INDEX IF EXISTS cast_ballot_fingerprint", "DROP INDEX IF EXISTS cast_ballot_origin"):
            await engine.run_ddl(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(back)
    return manager
