from pathlib import Path

from piccolo.conf.apps import AppConfig

from delivery.tables import DeliveryFollow, DeliveryItem, DeliveryUpdate, Milestone

APP_CONFIG = AppConfig(
    app_name="outcomes",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[DeliveryItem, Milestone, DeliveryUpdate, DeliveryFollow],
    migration_dependencies=["server.piccolo_app", "proposals.piccolo_app"],
    commands=[],
)
