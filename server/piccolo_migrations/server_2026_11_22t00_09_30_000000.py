from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_index, add_unique_index

ID = "2026-11-22T00:09:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "Composite indexes (raw SQL runs before table creation, so they need their own migration)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="server", description=DESCRIPTION)
    add_unique_index(manager, "store_entry_ns_key", "store_entry", ["namespace", "key"])
    add_index(manager, "notification_recipient_unread", "notification", ["recipient", "read_at"])
    return manager
