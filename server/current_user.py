"""Who is asking, and in which language: set once per request for handlers, guards and templates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from server import interrupted
from server.accounts.tables import Account
from server.database import one_connection
from server.i18n import negotiate_locale, reset_locale, set_locale
from server.notifications.tables import Notification
from server.prepared import Prepared

LANG_COOKIE = "lang"
SESSION_USER_KEY = "uid"
# The account's session_version when the session was signed in; a session from before a password
# reset or change no longer signs anyone in. Sessions from before this key existed count as 0.
SESSION_VERSION_KEY = "sv"


class Viewer(msgspec.Struct, frozen=True):
    id: int
    display_name: str
    email: str
    role: str
    neighborhood_id: int
    neighborhood_name: str
    birth_year: int
    locale: str | None
    blocked: bool
    session_version: int = 0
    email_notifications: bool = False
    confirmed_at: dt.datetime | None = None
    verified_via: str = ""

    @property
    def confirmed(self) -> bool:
        """Has opened the link sent to their address: may post, support and vote."""
        return self.confirmed_at is not None

    @property
    def verified(self) -> bool:
        """Neighborhood and birth year checked (roll or in person), not just typed in."""
        return bool(self.verified_via)

    @property
    def is_council(self) -> bool:
        return self.role == "council"

    @property
    def is_moderator(self) -> bool:
        return self.role in ("moderator", "council")

    @property
    def is_partner(self) -> bool:
        return self.role == "partner"

    @property
    def is_oversight(self) -> bool:
        return self.role == "oversight"


# Prepared (server/prepared.py): every signed-in request runs these two (issue 21).
_UNREAD = Prepared(lambda account_id: Notification.count().where(
    (Notification.recipient == account_id) & Notification.read_at.is_null()))
_VIEWER = Prepared(lambda account_id: Account.select(
    Account.id,
    Account.display_name,
    Account.email,
    Account.role,
    Account.neighborhood.id.as_alias("neighborhood_id"),
    Account.neighborhood.name.as_alias("neighborhood_name"),
    Account.birth_year,
    Account.locale,
    Account.blocked,
    Account.session_version,
    Account.email_notifications,
    Account.confirmed_at,
    Account.verified_via,
).where(Account.id == account_id).first())


async def load_viewer(account_id: int) -> Viewer | None:
    row = await _VIEWER(account_id)
    return msgspec.convert(row, Viewer) if row else None


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def _cookie(scope: Scope, name: str) -> str | None:
    raw = _header(scope, b"cookie")
    if not raw:
        return None
    for part in raw.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


class CurrentUserMiddleware(ASGIMiddleware):
    """Runs after the session middleware: loads the signed-in account (None when signed out),
    its unread notification count, and picks the language for the request."""

    scopes = (ScopeType.HTTP,)
    should_bypass_for_scope = staticmethod(lambda scope: scope["path"].startswith("/static/")
                                           or scope["path"] == "/healthz")

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        session: dict[str, Any] = scope.get("session") or {}
        viewer = None
        state = scope.setdefault("state", {})
        # The unread badge lives in the page layout: JSON API calls and htmx fragment swaps (which
        # render no layout) skip the count query.
        shows_layout = not scope["path"].startswith("/api/") and (
            _header(scope, b"hx-request") is None or _header(scope, b"hx-boosted") is not None)
        state["unread"] = 0
        if isinstance(session, dict) and (uid := session.get(SESSION_USER_KEY)):
            async with one_connection():  # the account, then its unread count
                viewer = await load_viewer(int(uid))
                if viewer is not None and session.get(SESSION_VERSION_KEY, 0) != viewer.session_version:
                    viewer = None
                if viewer and shows_layout:
                    state["unread"] = await _UNREAD(viewer.id)
        scope["user"] = viewer
        default = scope["app"].state.get("default_locale", "en")
        locale = negotiate_locale(
            _cookie(scope, LANG_COOKIE) or (viewer.locale if viewer else None),
            _header(scope, b"accept-language"),
            default,
        )
        state["locale"] = locale
        state["interrupted"] = interrupted.take(scope) if shows_layout else None
        token = set_locale(locale)
        try:
            await next_app(scope, receive, send)
        finally:
            reset_locale(token)
