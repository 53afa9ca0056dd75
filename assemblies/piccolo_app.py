from pathlib import Path

from piccolo.conf.apps import AppConfig

from assemblies.tables import (
    AgendaItem,
    Body,
    Commitment,
    CommitmentEvent,
    Follow,
    Meeting,
    MeetingNeighborhood,
    Membership,
    Registration,
)

APP_CONFIG = AppConfig(
    app_name="assemblies",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Body, Membership, Meeting, MeetingNeighborhood, AgendaItem, Registration, Commitment,
                   CommitmentEvent, Follow],
    migration_dependencies=["server.piccolo_app"],
    commands=[],
)
