from pathlib import Path

from piccolo.conf.apps import AppConfig

from proposals.drafts.tables import (
    Amendment,
    AmendmentSupport,
    Draft,
    DraftFollow,
    DraftSection,
    DraftVersion,
    SectionKey,
    SectionSummary,
)

APP_CONFIG = AppConfig(
    app_name="drafts",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Draft, DraftVersion, SectionKey, DraftSection, Amendment, AmendmentSupport, SectionSummary,
                   DraftFollow],
    migration_dependencies=["server.piccolo_app"],
    commands=[],
)
