"""Code batches: one batch number per ballot, and a batch row for every batch of codes issued before
batches had rows. Those keep their ballot's age window, so their codes carry it as new ones do and
nobody types a birth year any more (ballots/batches.py). Paper sheets: the normalised key of each
sheet entered before (case, spaces and dashes ignored), unique per ballot; a sheet that was typed in
twice under two spellings keeps its second row apart (marked with its id) for staff to review."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

from server.migration_helpers import add_index, add_unique_index

ID = "2026-11-30T13:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "Ballots: unique batch numbers, batch rows for codes issued before, booth check-in index, sheet keys"


async def backfill() -> None:
    await engine_finder().run_ddl(
        "INSERT INTO code_batch (ballot, number, name, quantity, age_min, age_max, requested_at, issued_at) "
        "SELECT a.ballot, a.batch, MAX(a.label), COUNT(*), MAX(b.age_min), MAX(b.age_max), MIN(a.created_at), "
        "MIN(a.created_at) FROM access_code a JOIN ballot b ON b.id = a.ballot GROUP BY a.ballot, a.batch")


async def sheet_keys() -> None:
    engine = engine_finder()
    await engine.run_ddl("UPDATE paper_sheet SET sheet_key = UPPER(REPLACE(REPLACE(sheet_ref, ' ', ''), '-', ''))")
    await engine.run_ddl(
        "UPDATE paper_sheet SET sheet_key = SUBSTR(sheet_key, 1, 30) || '#' || CAST(id AS VARCHAR(20)) WHERE EXISTS ("
        "SELECT 1 FROM paper_sheet o WHERE o.ballot = paper_sheet.ballot AND o.sheet_key = paper_sheet.sheet_key "
        "AND o.id < paper_sheet.id)")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="ballots", description=DESCRIPTION)
    add_unique_index(manager, "code_batch_ballot_number", "code_batch", ["ballot", "number"])
    add_index(manager, "code_batch_partner", "code_batch", ["partner"])
    add_index(manager, "booth_check_in_ballot", "booth_check_in", ["ballot"])
    manager.add_raw(backfill)
    manager.add_raw(sheet_keys)
    add_unique_index(manager, "paper_sheet_ballot_key", "paper_sheet", ["ballot", "sheet_key"])
    return manager
