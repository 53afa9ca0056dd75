"""Routes of the ballots domain (setup, casting, receipts, results and delivery)."""

ROUTE_HANDLERS: list[object] = []
