"""What someone was sending when their session had ended (signed out in another tab, a password
change, expiry): the form is kept in the session, sign-in carries it over, and the page they were
on offers it back, ready to send again. Without this, a comment typed for ten minutes was lost."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar.connection import ASGIConnection
from litestar.types import Scope

KEY = "interrupted"
MAX_FIELD = 20_000  # longer than any text field the site accepts
_SKIPPED = ("_csrf_token",)


def _header(connection: ASGIConnection[Any, Any, Any, Any], name: str) -> str:
    return connection.headers.get(name, "")


def page_of(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The page the request came from (htmx says it; a plain form post has the Referer), as a path
    on this site, or "/"."""
    for raw in (_header(connection, "hx-current-url"), _header(connection, "referer")):
        if not raw:
            continue
        parts = urlsplit(raw)
        if parts.netloc and parts.netloc != connection.url.netloc:
            continue
        if parts.path.startswith("/") and not parts.path.startswith("//"):
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return "/"


async def keep(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Keep a signed-out person's form post (text fields only: no files, no passwords)."""
    if connection.scope.get("method") not in ("POST", "PUT", "PATCH"):
        return
    if not _header(connection, "content-type").startswith("application/x-www-form-urlencoded"):
        return
    from litestar import Request

    form = await Request(connection.scope, connection.receive).form()
    fields = [(name, value) for name, value in form.multi_items()
              if isinstance(value, str) and name not in _SKIPPED and "password" not in name
              and len(value) <= MAX_FIELD]
    if not any(value.strip() for _, value in fields):
        return
    session = connection.scope.get("session")
    data = dict(session) if isinstance(session, dict) else {}
    data[KEY] = {"page": page_of(connection).split("#")[0], "action": connection.url.path, "fields": fields}
    connection.set_session(data)


def take(scope: Scope) -> dict[str, Any] | None:
    """The kept form for the page being shown (a GET of its page), removed from the session so it is
    offered once."""
    session = scope.get("session")
    if scope.get("method") != "GET" or not isinstance(session, dict) or not isinstance(session.get(KEY), dict):
        return None
    kept = session[KEY]
    query = scope.get("query_string", b"").decode("latin-1")
    here = scope["path"] + (f"?{query}" if query else "")
    if kept.get("page") not in (here, scope["path"]) or scope.get("user") is None:
        return None
    scope["session"] = {k: v for k, v in session.items() if k != KEY}
    fields = [(str(n), str(v)) for n, v in kept.get("fields") or [] if isinstance(n, str) and isinstance(v, str)]
    action = kept.get("action")
    if not isinstance(action, str) or not action.startswith("/") or action.startswith("//"):
        return None
    return {"action": action, "fields": fields}
