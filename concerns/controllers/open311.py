"""Open311 GeoReport v2 at /open311/v2/ (JSON). Partner apps POST with an API key instead of a
session and a CSRF token: the route takes no cookies into account (no session is read for it), so
a forged cross-site form cannot act as anyone."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery

from concerns import open311
from server import forms

JSON = "application/json; charset=utf-8"
API_OPTS = {"skip_session": True, "exclude_from_csrf": True}


def _base(request: Request[Any, Any, Any]) -> str:
    return request.app.state.settings.public_url or str(request.base_url).rstrip("/")


def _error(exc: open311.Open311Error) -> Response[Any]:
    return Response(exc.body(), status_code=exc.code, media_type=JSON)


def _ok(body: Any, status: int = 200) -> Response[Any]:
    return Response(body, status_code=status, media_type=JSON,
                    headers={"Access-Control-Allow-Origin": "*"} if status == 200 else {})


class Open311Controller(Controller):
    path = "/open311/v2"
    include_in_schema = False
    opt = API_OPTS

    @get("/discovery.json", name="open311.discovery")
    async def discovery(self, request: Request[Any, Any, Any]) -> Response[Any]:
        return _ok(open311.discovery(_base(request)))

    @get("/services.json", name="open311.services")
    async def services(self, jurisdiction_id: FromQuery[str | None] = None) -> Response[Any]:
        return _ok(await open311.services())

    @get("/services/{service_code:str}", name="open311.service")
    async def service_definition(self, service_code: FromPath[str],
                                 jurisdiction_id: FromQuery[str | None] = None) -> Response[Any]:
        if not service_code.endswith(".json"):
            return _error(open311.Open311Error(404, "only the .json format is offered"))
        try:
            return _ok(await open311.definition(service_code.removesuffix(".json")))
        except open311.Open311Error as exc:
            return _error(exc)

    @get("/requests.json", name="open311.requests")
    async def list_requests(self, request: Request[Any, Any, Any], service_request_id: FromQuery[str | None] = None,
                            service_code: FromQuery[str | None] = None, status: FromQuery[str | None] = None,
                            start_date: FromQuery[str | None] = None, end_date: FromQuery[str | None] = None,
                            jurisdiction_id: FromQuery[str | None] = None) -> Response[Any]:
        try:
            return _ok(await open311.requests(_base(request), service_request_id=service_request_id,
                                              service_code=service_code, status=status, start_date=start_date,
                                              end_date=end_date))
        except open311.Open311Error as exc:
            return _error(exc)

    @post("/requests.json", name="open311.post_request", status_code=200)
    async def post_request(self, request: Request[Any, Any, Any]) -> Response[Any]:
        form = await forms.read_form(request)
        try:
            return _ok(await open311.post_request(form))
        except open311.Open311Error as exc:
            return _error(exc)

    @get("/requests/{request_id:str}", name="open311.request")
    async def one_request(self, request: Request[Any, Any, Any], request_id: FromPath[str],
                          jurisdiction_id: FromQuery[str | None] = None) -> Response[Any]:
        if not request_id.endswith(".json"):
            return _error(open311.Open311Error(404, "only the .json format is offered"))
        try:
            return _ok(await open311.request(_base(request), request_id.removesuffix(".json")))
        except open311.Open311Error as exc:
            return _error(exc)
