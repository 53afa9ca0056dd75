from pathlib import Path

from piccolo.conf.apps import AppConfig

from proposals.moderation.tables import ModerationAction, ModerationState, Report

APP_CONFIG = AppConfig(
    app_name="moderation",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Report, ModerationState, ModerationAction],
    migration_dependencies=["server.piccolo_app"],
    commands=[],
)
