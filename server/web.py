"""What every controller shares: answering a POST with a redirect (only ever to our own pages),
telling an htmx request from a plain one (through the htmx plugin's request, which the app
installs), the client's address for rate limits, and lenient integers from a query string. The
time now is `server.clock.now()`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from litestar import Request
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect
from litestar.status_codes import HTTP_303_SEE_OTHER


def see_other(path: str) -> Redirect:
    """After a form post: the browser GETs `path` (303), so reloading does not post again."""
    return Redirect(path, status_code=HTTP_303_SEE_OTHER)


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths: an open redirect would let a phishing link bounce through us."""
    if not target:
        return default
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


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
