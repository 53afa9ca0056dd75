"""Code batches: one batch number per ballot, and a batch row for every batch of codes issued before
batches had rows. Those keep their ballot's age window, so their codes carry it as new ones do and
nobody types a birth year any more (ballots/batches.py)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

from server.migration_helpers import add_index, add_unique_index

ID = "2026-11-30T13:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "Ballots: unique batch numbers, batch rows for codes issued before, booth check-in index"


async def backfill() -> None:
    await engine_finder().run_ddl(
        "INSERT INTO code_batch (ballot, number, name, quantity, age_min, age_max, requested_at, issued_at) "
        "SELECT a.ballot, a.batch, MAX(a.label), COUNT(*), MAX(b.age_min), MAX(b.age_max), MIN(a.created_at), "
        "MIN(a.created_at) FROM access_code a JOIN ballot b ON b.id = a.ballot GROUP BY a.ballot, a.batch")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="ballots", description=DESCRIPTION)
    add_unique_index(manager, "code_batch_ballot_number", "code_batch", ["ballot", "number"])
    add_index(manager, "code_batch_partner", "code_batch", ["partner"])
    add_index(manager, "booth_check_in_ballot", "booth_check_in", ["ballot"])
    manager.add_raw(backfill)
    return manager
