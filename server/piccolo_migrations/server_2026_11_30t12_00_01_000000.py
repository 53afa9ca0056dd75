from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

from server.migration_helpers import add_index

ID = "2026-11-30T12:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "Accounts from before e-mail confirmation count as confirmed"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="server", description=DESCRIPTION)

    async def confirm_existing() -> None:
        # They signed up when no confirmation was asked for: locking them out of taking part on
        # upgrade would punish people for our change. Only new sign-ups confirm by e-mail.
        await engine_finder().run_ddl(
            "UPDATE account SET confirmed_at = COALESCE(created_at, CURRENT_TIMESTAMP) WHERE confirmed_at IS NULL")

    manager.add_raw(confirm_existing)
    add_index(manager, "verification_account", "verification", ["account", "verified_at"])
    add_index(manager, "staff_action_actor", "staff_action", ["actor", "action"])
    return manager
