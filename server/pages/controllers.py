"""Pages that belong to no single domain: the home page and the health check."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get
from litestar.params import FromQuery
from litestar.response import Template

from server.home_sections import collect_sections
from server.neighborhoods.service import active_neighborhoods, get_neighborhood


class Health(msgspec.Struct, frozen=True):
    status: str


class PagesController(Controller):
    include_in_schema = False

    @get("/", name="home")
    async def home(self, request: Request[Any, Any, Any], neighborhood: FromQuery[int | None] = None) -> Template:
        viewer = request.user
        hood_id = viewer.neighborhood_id if viewer and neighborhood is None else neighborhood
        hood = await get_neighborhood(hood_id) if hood_id else None
        return Template(
            "home.html",
            context={
                "neighborhood": hood,
                "neighborhoods": await active_neighborhoods(),
                "sections": await collect_sections(viewer, hood.id if hood else None),
            },
        )

    # In the OpenAPI schema (the only operation until the open data API lands), so the schema tests
    # always have something to check.
    # No session, CSRF cookie or viewer: load balancers call this often, and it reads nothing.
    @get("/healthz", name="health", cache=False, include_in_schema=True, tags=["health"],
         summary="Health check", description="Answers while the server is up.",
         opt={"skip_session": True, "exclude_from_csrf": True})
    async def health(self) -> Health:
        return Health(status="ok")
