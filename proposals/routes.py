"""Routes of the proposals domain (proposals, review, drafts and their threads)."""

ROUTE_HANDLERS: list[object] = []
