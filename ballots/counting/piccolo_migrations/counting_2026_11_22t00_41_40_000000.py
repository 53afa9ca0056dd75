from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_unique_index

ID = "2026-11-22T00:41:40:000000"
VERSION = "1.38.0"
DESCRIPTION = "A ballot set is counted once per rule"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="counting", description=DESCRIPTION)
    add_unique_index(manager, "count_run_once", "count_run", ["ballot", "rule", "ballot_set_hash"])
    return manager
