from pathlib import Path

from piccolo.conf.apps import AppConfig

from ballots.results.tables import ResultPublication

APP_CONFIG = AppConfig(
    app_name="results",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[ResultPublication],
    migration_dependencies=["ballots.counting.piccolo_app"],
    commands=[],
)
