from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import ForeignKey, Serial, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class Account(Table, tablename="account", schema=None):
    id = Serial(null=False, primary_key=True, unique=False, index=False, index_method=IndexMethod.btree,
                choices=None, db_column_name="id", secret=False)


class Draft(Table, tablename="draft", schema=None):
    id = Serial(null=False, primary_key=True, unique=False, index=False, index_method=IndexMethod.btree,
                choices=None, db_column_name="id", secret=False)


ID = "2026-11-30T08:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Followers of draft procedures"


def _params(**extra):
    return {"null": False, "primary_key": False, "unique": False, "index": False,
            "index_method": IndexMethod.btree, "choices": None, "db_column_name": None, "secret": False, **extra}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="drafts", description=DESCRIPTION)
    manager.add_table(class_name="DraftFollow", tablename="draft_follow", schema=None, columns=None)
    for name, target in (("draft", Draft), ("account", Account)):
        manager.add_column(
            table_class_name="DraftFollow", tablename="draft_follow", column_name=name, db_column_name=name,
            column_class_name="ForeignKey", column_class=ForeignKey,
            params=_params(references=target, on_delete=OnDelete.cascade, on_update=OnUpdate.cascade,
                           target_column=None),
            schema=None,
        )
    manager.add_column(
        table_class_name="DraftFollow", tablename="draft_follow", column_name="created_at",
        db_column_name="created_at", column_class_name="Timestamptz", column_class=Timestamptz,
        params=_params(default=TimestamptzNow()), schema=None,
    )
    return manager
