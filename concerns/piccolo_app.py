from pathlib import Path

from piccolo.conf.apps import AppConfig

from concerns.tables import (
    Concern,
    ConcernCategory,
    ConcernEvent,
    ConcernFollow,
    ConcernLink,
    ConcernNote,
    Open311Key,
)

APP_CONFIG = AppConfig(
    app_name="concerns",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[ConcernCategory, Concern, ConcernEvent, ConcernNote, ConcernFollow, ConcernLink, Open311Key],
    migration_dependencies=["server.piccolo_app"],
    commands=[],
)
