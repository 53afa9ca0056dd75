from pathlib import Path

from piccolo.conf.apps import AppConfig

from proposals.threads.tables import Comment, CommentVote

APP_CONFIG = AppConfig(
    app_name="threads",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Comment, CommentVote],
    migration_dependencies=["server.piccolo_app"],
    commands=[],
)
