from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_index, add_unique_index

ID = "2026-11-22T00:27:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "One support, follow and co-authorship per person per proposal (raw SQL runs before table creation)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="proposals", description=DESCRIPTION)
    add_unique_index(manager, "support_proposal_account", "support", ["proposal", "account"])
    add_unique_index(manager, "follow_proposal_account", "follow", ["proposal", "account"])
    add_unique_index(manager, "co_author_proposal_account", "co_author", ["proposal", "account"])
    add_index(manager, "proposal_cycle_hood_status", "proposal", ["cycle", "neighborhood", "status"])
    add_index(manager, "proposal_revision_proposal", "proposal_revision", ["proposal"])
    add_index(manager, "review_decision_proposal", "review_decision", ["proposal"])
    return manager
