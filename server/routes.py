"""The host's own routes (server/domain.py declares them); each domain lists its routes the same way."""

from server.accounts.confirmation_controllers import ConfirmationController
from server.accounts.controllers import AccountController
from server.accounts.reset_controllers import PasswordResetController
from server.neighborhoods.controllers import NeighborhoodController
from server.notifications.controllers import NotificationController
from server.pages.controllers import PagesController
from server.verification.controllers import VerificationController

ROUTE_HANDLERS = [PagesController, AccountController, ConfirmationController, PasswordResetController,
                  NeighborhoodController, NotificationController, VerificationController]
