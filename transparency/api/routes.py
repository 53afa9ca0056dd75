from transparency.api.controllers import OpenDataController

ROUTE_HANDLERS = [OpenDataController]
