from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_unique_index

ID = "2026-11-22T00:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "One row per published version of a ballot's result"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="results", description=DESCRIPTION)
    add_unique_index(manager, "result_publication_version", "result_publication", ["ballot", "version"])
    return manager
