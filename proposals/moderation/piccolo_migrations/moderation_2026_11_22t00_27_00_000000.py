from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_unique_index

ID = "2026-11-22T00:27:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Composite indexes (raw SQL runs before table creation, so they need their own migration)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="moderation", description=DESCRIPTION)
    add_unique_index(manager, "report_once", "report", ["content_kind", "content_id", "reporter"])
    add_unique_index(manager, "moderation_state_item", "moderation_state", ["content_kind", "content_id"])
    return manager
