from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_index, add_unique_index

ID = "2026-11-22T00:35:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "Composite indexes for delivery (raw SQL runs before table creation, so they need their own migration)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="outcomes", description=DESCRIPTION)
    add_unique_index(manager, "delivery_item_ballot_proposal", "delivery_item", ["ballot_id", "proposal"])
    add_unique_index(manager, "delivery_follow_item_account", "delivery_follow", ["item", "account"])
    add_index(manager, "milestone_item", "milestone", ["item"])
    add_index(manager, "delivery_update_item", "delivery_update", ["item", "created_at"])
    return manager
