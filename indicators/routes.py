"""Routes of indicators and surveys."""

ROUTE_HANDLERS: list[object] = []
