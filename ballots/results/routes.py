from ballots.results import feed  # noqa: F401  (registers result publications in the Atom feed)
from ballots.results.controllers import PublishController, ResultsController

ROUTE_HANDLERS = [PublishController, ResultsController]
