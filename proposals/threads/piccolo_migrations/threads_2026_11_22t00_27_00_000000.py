from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_index, add_unique_index

ID = "2026-11-22T00:27:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Composite indexes (raw SQL runs before table creation, so they need their own migration)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="threads", description=DESCRIPTION)
    add_index(manager, "comment_target", "comment", ["target_kind", "target_id"])
    add_unique_index(manager, "comment_vote_once", "comment_vote", ["comment", "voter"])
    return manager
