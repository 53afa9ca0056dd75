"""Public read-only pages read from the read replica when one is configured
(TOWNSQUARE_REPLICA_DATABASE_URL): a route opts in with `opt=REPLICA_OK` (the transparency dashboard
and the open data API do). Everything else, and everything the session and sign-in read before the
page, stays on the primary: a receipt check, a cast or a council page must see what was just
written, and a replica lags. The routing itself is in server/database.py (`RoutingPostgresEngine`)."""

from __future__ import annotations

from typing import Any

from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from server.database import reading_from_replica

# The route option that marks a page as public and read-only, so its reads may lag a little.
REPLICA_OK: dict[str, Any] = {"read_replica": True}


class ReplicaReadsMiddleware(ASGIMiddleware):
    """Marks the handling of a GET to an opted-in route; placed after the session and current-user
    middleware, so only the page's own queries are affected."""

    scopes = ("http",)  # type: ignore[assignment]

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        handler = scope.get("route_handler")
        if scope.get("method") == "GET" and handler is not None and handler.opt.get("read_replica"):
            token = reading_from_replica.set(True)
            try:
                await next_app(scope, receive, send)
            finally:
                reading_from_replica.reset(token)
            return
        await next_app(scope, receive, send)
