from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_index, add_unique_index

ID = "2026-11-22T00:27:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Composite indexes (raw SQL runs before table creation, so they need their own migration)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="drafts", description=DESCRIPTION)
    add_unique_index(manager, "draft_version_number", "draft_version", ["draft", "number"])
    add_index(manager, "draft_section_version", "draft_section", ["version", "position"])
    add_index(manager, "draft_section_key", "draft_section", ["key"])
    add_index(manager, "amendment_draft", "amendment", ["draft"])
    add_unique_index(manager, "amendment_support_once", "amendment_support", ["amendment", "supporter"])
    return manager
