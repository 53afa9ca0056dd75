"""The host's own routes; each domain package lists its routes the same way in `<domain>/routes.py`."""

from server.accounts.controllers import AccountController
from server.accounts.reset_controllers import PasswordResetController
from server.neighborhoods.controllers import NeighborhoodController
from server.notifications.controllers import NotificationController
from server.pages.controllers import PagesController
from transparency.dashboard.controllers import DashboardController

ROUTE_HANDLERS = [PagesController, AccountController, PasswordResetController, NeighborhoodController,
                  NotificationController, DashboardController]
