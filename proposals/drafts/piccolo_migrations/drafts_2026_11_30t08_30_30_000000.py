from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_unique_index

ID = "2026-11-30T08:30:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "One follow per draft and account (raw SQL runs before table creation, so it needs its own migration)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="drafts", description=DESCRIPTION)
    add_unique_index(manager, "draft_follow_draft_account", "draft_follow", ["draft", "account"])
    return manager
