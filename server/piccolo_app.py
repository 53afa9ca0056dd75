from pathlib import Path

from piccolo.conf.apps import AppConfig

from server.accounts.tables import Account, EmailConfirmation, PasswordReset
from server.neighborhoods.tables import Neighborhood
from server.notifications.tables import Notification
from server.stores.tables import RateCounter, StoreEntry
from server.verification.tables import Partner, RollEntry, RollImport, StaffAction, Verification

APP_CONFIG = AppConfig(
    app_name="server",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Neighborhood, Account, PasswordReset, Notification, StoreEntry, RateCounter, EmailConfirmation,
                   RollImport, RollEntry, Verification, Partner, StaffAction],
    migration_dependencies=[],
    commands=[],
)
