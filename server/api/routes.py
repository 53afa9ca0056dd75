from server.api.controllers import OpenDataController

ROUTE_HANDLERS = [OpenDataController]
