from ballots.results.controllers import PublishController, ResultsController

ROUTE_HANDLERS = [PublishController, ResultsController]
