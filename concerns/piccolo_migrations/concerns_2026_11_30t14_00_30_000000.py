from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_index, add_unique_index

ID = "2026-11-30T14:00:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "Composite indexes for concerns (raw SQL runs before table creation, so they need their own migration)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="concerns", description=DESCRIPTION)
    add_unique_index(manager, "concern_follow_concern_account", "concern_follow", ["concern", "account"])
    add_unique_index(manager, "concern_link_concern_kind_target", "concern_link", ["concern", "kind", "target_id"])
    add_index(manager, "concern_link_kind_target", "concern_link", ["kind", "target_id"])
    add_index(manager, "concern_event_concern", "concern_event", ["concern", "created_at"])
    add_index(manager, "concern_note_concern", "concern_note", ["concern"])
    add_index(manager, "concern_received", "concern", ["received_at"])
    add_index(manager, "concern_account", "concern", ["account"])
    return manager
