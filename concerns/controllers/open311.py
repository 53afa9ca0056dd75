"""Open311 GeoReport v2 at /open311/v2/, in JSON and XML (the format is the address's extension, as
the spec has it). Partner apps POST with an API key instead of a session and a CSRF token: the routes
read no session, so a forged cross-site form cannot act as anyone."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery

from concerns import open311
from server import forms

MEDIA = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
API_OPTS = {"skip_session": True, "exclude_from_csrf": True}


def _base(request: Request[Any, Any, Any]) -> str:
    return request.app.state.settings.public_url or str(request.base_url).rstrip("/")


def _respond(fmt: str, kind: str, body: Any, status: int = 200) -> Response[Any]:
    content: Any = open311.to_xml(kind, body) if fmt == "xml" else body
    headers = {"Access-Control-Allow-Origin": "*"} if status == 200 else {}
    return Response(content, status_code=status, media_type=MEDIA[fmt], headers=headers)


def _error(fmt: str, exc: open311.Open311Error) -> Response[Any]:
    return _respond(fmt, "errors", exc.body(), exc.code)


def _split(name: str) -> tuple[str, str | None]:
    """("12", "json") from "12.json"; the format is None when the extension is not one we offer."""
    stem, _, ext = name.rpartition(".")
    return (stem, ext) if stem and ext in MEDIA else (name, None)


class Open311Controller(Controller):
    path = "/open311/v2"
    include_in_schema = False
    opt = API_OPTS

    @get("/{resource:str}", name="open311.list")
    async def resource(self, request: Request[Any, Any, Any], resource: FromPath[str],
                       service_request_id: FromQuery[str | None] = None, service_code: FromQuery[str | None] = None,
                       status: FromQuery[str | None] = None, start_date: FromQuery[str | None] = None,
                       end_date: FromQuery[str | None] = None,
                       jurisdiction_id: FromQuery[str | None] = None) -> Response[Any]:
        """discovery, services and requests, each as .json or .xml."""
        name, fmt = _split(resource)
        if fmt is None or name not in ("discovery", "services", "requests"):
            return _error("json", open311.Open311Error(404, f"no such resource: {resource}"))
        try:
            if name == "discovery":
                return _respond(fmt, "discovery", open311.discovery(_base(request)))
            if name == "services":
                return _respond(fmt, "services", await open311.services())
            return _respond(fmt, "requests", await open311.requests(
                _base(request), service_request_id=service_request_id, service_code=service_code, status=status,
                start_date=start_date, end_date=end_date))
        except open311.Open311Error as exc:
            return _error(fmt, exc)

    @post("/{resource:str}", name="open311.post_request", status_code=200)
    async def post_request(self, request: Request[Any, Any, Any], resource: FromPath[str]) -> Response[Any]:
        name, fmt = _split(resource)
        if fmt is None or name != "requests":
            return _error("json", open311.Open311Error(404, f"no such resource: {resource}"))
        form = await forms.read_form(request)
        try:
            return _respond(fmt, "requests", await open311.post_request(form))
        except open311.Open311Error as exc:
            return _error(fmt, exc)

    @get("/services/{service_code:str}", name="open311.service")
    async def service_definition(self, service_code: FromPath[str],
                                 jurisdiction_id: FromQuery[str | None] = None) -> Response[Any]:
        code, fmt = _split(service_code)
        if fmt is None:
            return _error("json", open311.Open311Error(404, "the formats offered are .json and .xml"))
        try:
            return _respond(fmt, "service_definition", await open311.definition(code))
        except open311.Open311Error as exc:
            return _error(fmt, exc)

    @get("/requests/{request_id:str}", name="open311.request")
    async def one_request(self, request: Request[Any, Any, Any], request_id: FromPath[str],
                          jurisdiction_id: FromQuery[str | None] = None) -> Response[Any]:
        ident, fmt = _split(request_id)
        if fmt is None:
            return _error("json", open311.Open311Error(404, "the formats offered are .json and .xml"))
        try:
            return _respond(fmt, "requests", await open311.request(_base(request), ident))
        except open311.Open311Error as exc:
            return _error(fmt, exc)
