from ballots.counting.controllers import CountController

ROUTE_HANDLERS = [CountController]
