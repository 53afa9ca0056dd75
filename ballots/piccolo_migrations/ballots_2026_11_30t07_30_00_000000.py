from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-30T07:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Ballots: the ballot of the same cycle a ballot is decided after (one project, one fund)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="ballots", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Ballot",
        tablename="ballot",
        column_name="decided_after",
        db_column_name="decided_after",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    return manager
