"""What every controller shares: answering a POST with a redirect, telling an htmx request from a
plain one (through the htmx plugin's request, which the app installs), the client's address for
rate limits, and lenient integers from a query string. The time now is `server.clock.now()`; a
return address someone typed is checked by `server.redirects.safe_path`."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect
from litestar.status_codes import HTTP_303_SEE_OTHER


def see_other(path: str) -> Redirect:
    """After a form post: the browser GETs `path` (303), so reloading does not post again."""
    return Redirect(path, status_code=HTTP_303_SEE_OTHER)


def is_htmx(request: Request[Any, Any, Any]) -> bool:
    """Did htmx send this request (HX-Request: true)? Then the answer is a fragment, not a page."""
    htmx = request.htmx if isinstance(request, HTMXRequest) else HTMXRequest(request.scope).htmx
    return bool(htmx)


def client_id(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


def int_or_none(value: str | None) -> int | None:
    """A query parameter as an integer; anything else is None, so a stale link still shows a page."""
    try:
        return int(value) if value else None
    except ValueError:
        return None
