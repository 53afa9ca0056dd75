from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_index, add_unique_index

ID = "2026-11-22T00:27:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "Ballots: one voter one ballot, one candidate per ballot, one paper sheet per reference"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="ballots", description=DESCRIPTION)
    add_unique_index(manager, "participation_ballot_account", "participation", ["ballot", "account"])
    add_unique_index(manager, "participation_ballot_code", "participation", ["ballot", "access_code"])
    add_unique_index(manager, "ballot_candidate_ballot_proposal", "ballot_candidate", ["ballot", "proposal"])
    add_unique_index(manager, "paper_sheet_ballot_ref", "paper_sheet", ["ballot", "sheet_ref"])
    add_index(manager, "cast_ballot_ballot", "cast_ballot", ["ballot", "superseded"])
    return manager
