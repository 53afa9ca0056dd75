from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_index, add_unique_index

ID = "2026-11-30T15:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Composite indexes for assemblies (raw SQL runs before table creation, so they need their own migration)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="assemblies", description=DESCRIPTION)
    add_unique_index(manager, "assemblies_registration_meeting_account", "meeting_registration", ["meeting", "account"])
    add_unique_index(manager, "assemblies_follow_target_account", "assembly_follow", ["target_kind", "target_id", "account"])
    add_unique_index(manager, "assemblies_meeting_neighborhood", "meeting_neighborhood", ["meeting", "neighborhood"])
    add_index(manager, "assemblies_meeting_starts", "meeting", ["starts_at"])
    add_index(manager, "assemblies_agenda_meeting", "agenda_item", ["meeting", "position"])
    add_index(manager, "assemblies_commitment_source", "commitment", ["source_kind", "source_id"])
    add_index(manager, "assemblies_commitment_event", "commitment_event", ["commitment", "created_at"])
    return manager
