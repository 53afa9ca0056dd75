from pathlib import Path

from piccolo.conf.apps import AppConfig

from ballots.counting.tables import CountRun

APP_CONFIG = AppConfig(
    app_name="counting",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[CountRun],
    migration_dependencies=["ballots.piccolo_app"],
    commands=[],
)
