from ballots.counting.controllers import CountController
from ballots.counting.service import count_closed_ballots
from server.background import register_job

# Every server process checks; the unique index on count runs makes sure only one of them counts.
register_job("count-closed-ballots", 30, count_closed_ballots)

ROUTE_HANDLERS = [CountController]
