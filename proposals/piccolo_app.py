from pathlib import Path

from piccolo.conf.apps import AppConfig

from proposals.tables import BudgetCycle, CoAuthor, Follow, Proposal, ProposalRevision, ReviewDecision, Support

APP_CONFIG = AppConfig(
    app_name="proposals",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[BudgetCycle, Proposal, CoAuthor, ProposalRevision, Support, Follow, ReviewDecision],
    migration_dependencies=["server.piccolo_app"],
    commands=[],
)
