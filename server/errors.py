"""Error pages in the site's own layout, in the reader's language. JSON routes keep JSON errors."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from server import interrupted
from server.current_user import LANG_COOKIE
from server.guards import BLOCKED, UNCONFIRMED
from server.i18n import negotiate_locale, set_locale
from server.redirects import path_of_referer, safe_path
from server.web import is_htmx

log = logging.getLogger("townsquare")


def _wants_json(request: Request[Any, Any, Any]) -> bool:
    return request.url.path.startswith("/api/") or (
        "application/json" in request.headers.get("accept", "") and "text/html" not in request.headers.get("accept", "")
    )


def _ensure_request_context(request: Request[Any, Any, Any]) -> None:
    """A request that matched no route never passed through our middleware (Litestar runs it per
    route), so give the error page what the layout reads: nobody signed in, a language."""
    if "user" in request.scope:
        return
    request.scope["user"] = None
    request.scope.setdefault("session", {})
    state = request.scope.setdefault("state", {})
    state.setdefault("unread", 0)
    set_locale(negotiate_locale(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"),
                                request.app.state.get("default_locale", "en")))


def _page(request: Request[Any, Any, Any], status: int, template: str, detail: str = "") -> Response[Any]:
    _ensure_request_context(request)
    if _wants_json(request):
        return Response({"status_code": status, "detail": detail}, status_code=status, media_type=MediaType.JSON)
    return Template(f"errors/{template}.html", context={"status": status, "detail": detail}, status_code=status)


def not_authorized(request: Request[Any, Any, Any], exc: NotAuthorizedException) -> Response[Any]:
    if _wants_json(request):
        return _page(request, 401, "403")
    if is_htmx(request) and not request.headers.get("hx-boosted"):
        # Swapping the sign-in page into a fragment of the page would bury it (and lose the form):
        # htmx sends the whole window to sign in, which then comes back to the page.
        target = quote(safe_path(interrupted.page_of(request)), safe="/")
        return Response(b"", status_code=200, headers={"HX-Redirect": f"/signin?next={target}"})
    target = safe_path(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    if request.method != "GET":
        target = path_of_referer(request.headers.get("referer"), request.url.netloc)
    return Redirect(f"/signin?next={quote(target, safe='/')}", status_code=HTTP_303_SEE_OTHER)


def forbidden(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    detail = getattr(exc, "detail", "")
    # The CSRF middleware raises 403 with this detail; say it in words a person can act on.
    if "CSRF" in str(detail):
        return _page(request, 403, "csrf", str(detail))
    if detail == BLOCKED:
        return _page(request, 403, "blocked", str(detail))
    if detail == UNCONFIRMED:
        if is_htmx(request) and not _wants_json(request):
            # htmx does not swap a 403 into the page: send the window to the page that explains.
            return Response(b"", status_code=200, headers={"HX-Redirect": "/account/confirm"})
        return _page(request, 403, "unconfirmed", str(detail))
    return _page(request, 403, "403", str(detail))


def not_found(request: Request[Any, Any, Any], exc: NotFoundException) -> Response[Any]:
    return _page(request, 404, "404")


def _page_above(request: Request[Any, Any, Any]) -> str | None:
    """The nearest address above this one that can be opened (/drafts/1 for
    /drafts/1/amendments/5/decide), or None."""
    parts = request.url.path.rstrip("/").split("/")
    router = request.app.asgi_router
    for end in range(len(parts) - 1, 0, -1):
        candidate = "/".join(parts[:end]) or "/"
        try:
            router.handle_routing(candidate, "GET")
        except (NotFoundException, MethodNotAllowedException):
            continue
        return candidate
    return None


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if (exc.status_code == 405 and request.method in ("GET", "HEAD") and not _wants_json(request)
            and (above := _page_above(request))):
        # The address of a form's answer, reloaded or opened again (from history, a bookmark, a
        # restored tab): show the page the form is on rather than "method not allowed".
        return Redirect(above, status_code=HTTP_303_SEE_OTHER)
    if exc.status_code == 403:
        return forbidden(request, exc)
    if exc.status_code == 404:
        return _page(request, 404, "404")
    if exc.status_code >= 500:
        return server_error(request, exc)
    if isinstance(exc, ValidationException) or exc.status_code < 500:
        return _page(request, exc.status_code, "generic", str(exc.detail))
    return server_error(request, exc)


def out_of_range(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """An id too large for the database (e.g. /ballots/99999999999999999999) names nothing: 404.
    Other data errors are bugs and stay 500s."""
    if isinstance(exc, OverflowError) or ("out of" in str(exc) and "range" in str(exc)):
        return _page(request, 404, "404")
    return server_error(request, exc)


def server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _page(request, 500, "500")


EXCEPTION_HANDLERS: dict[Any, Any] = {
    NotAuthorizedException: not_authorized,
    PermissionDeniedException: forbidden,
    NotFoundException: not_found,
    HTTPException: http_error,
    OverflowError: out_of_range,
    500: server_error,
    Exception: server_error,
}

try:  # asyncpg reports ids beyond int4/int8 as a DataError before the query runs
    from asyncpg.exceptions import DataError as _PgDataError

    EXCEPTION_HANDLERS[_PgDataError] = out_of_range
except ImportError:  # pragma: no cover - asyncpg is a dependency, but SQLite-only installs may drop it
    pass
