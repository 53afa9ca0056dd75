"""Who may reach a route. Signed-out visitors are sent to sign in; signed-in people without the
role get the 403 page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from server import interrupted

BLOCKED = "account blocked"  # the 403 page then says so and where to appeal (server/errors.py)
UNCONFIRMED = "email not confirmed"  # the 403 page then says how to confirm, with a resend button

Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Awaitable[None]]


async def requires_signed_in(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if connection.scope.get("user") is None:
        # A session that ended while someone was typing: keep what they sent, for after sign-in.
        await interrupted.keep(connection)
        raise NotAuthorizedException()


def requires_role(*roles: str) -> Guard:
    async def guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
        await requires_signed_in(connection, handler)
        if connection.scope["user"].role not in roles:
            raise PermissionDeniedException()

    guard.__name__ = f"requires_role_{'_'.join(roles)}"
    return guard


async def requires_not_blocked(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """For routes that publish something: a blocked account can read but not post."""
    await requires_signed_in(connection, handler)
    if connection.scope["user"].blocked:
        raise PermissionDeniedException(detail=BLOCKED)


async def requires_confirmed(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """For taking part (commenting, supporting, proposing, amending, reporting, voting): only accounts
    whose e-mail address is confirmed, so one person cannot act as many with made-up addresses."""
    await requires_signed_in(connection, handler)
    if not connection.scope["user"].confirmed:
        raise PermissionDeniedException(detail=UNCONFIRMED)


requires_council = requires_role("council")
requires_moderator = requires_role("moderator", "council")
requires_partner_or_council = requires_role("partner", "council")
requires_oversight = requires_role("oversight")
