from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-30T16:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Who may answer a survey: confirmed accounts or verified residents"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="indicators", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Survey",
        tablename="survey",
        column_name="voters",
        db_column_name="voters",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 20,
            "default": "confirmed",
            "null": False,
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
