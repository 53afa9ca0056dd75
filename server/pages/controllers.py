"""Pages that belong to no single domain: the home page and the health check."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get
from litestar.params import FromQuery
from litestar.response import Template

from server.database import one_connection
from server.home_sections import collect_sections
from server.neighborhoods.service import active_neighborhoods, get_neighborhood


class Health(msgspec.Struct, frozen=True):
    status: str


class Readiness(msgspec.Struct, frozen=True):
    status: str
    problems: list[str]


async def readiness_problems(engine: Any, storage: Any) -> list[str]:
    """What keeps this process from serving: the database (and its replica), the upload storage."""
    import anyio

    from server import storage as storages

    problems: list[str] = []
    replicas = getattr(engine, "extra_nodes", {})
    nodes = {"database": engine, **{f"{name} database": node for name, node in replicas.items()}}
    for label, node in nodes.items():
        try:
            with anyio.fail_after(5):
                await node.run_ddl("SELECT 1")
        except Exception as exc:
            problems.append(f"{label} not reachable: {type(exc).__name__}")
    with anyio.move_on_after(5) as scope:
        problem = await anyio.to_thread.run_sync(storages.check, storage)
    if scope.cancelled_caught:
        problem = "storage not reachable: timeout"
    if problem:
        problems.append(problem)
    return problems


class PagesController(Controller):
    include_in_schema = False

    @get("/", name="home")
    async def home(self, request: Request[Any, Any, Any], neighborhood: FromQuery[int | None] = None) -> Template:
        viewer = request.user
        hood_id = viewer.neighborhood_id if viewer and neighborhood is None else neighborhood
        async with one_connection():
            hood = await get_neighborhood(hood_id) if hood_id else None
            context = {
                "neighborhood": hood,
                # Only the anonymous reader's page offers the list (to pick another neighborhood).
                "neighborhoods": [] if viewer else await active_neighborhoods(),
                "sections": await collect_sections(viewer, hood),
            }
        return Template("home.html", context=context)

    # In the OpenAPI schema (the only operation until the open data API lands), so the schema tests
    # always have something to check.
    # No session, CSRF cookie or viewer: load balancers call this often, and it reads nothing.
    @get("/healthz", name="health", cache=False, include_in_schema=True, tags=["health"],
         summary="Health check", description="Answers while the server is up.",
         opt={"skip_session": True, "exclude_from_csrf": True})
    async def health(self) -> Health:
        return Health(status="ok")

    # Liveness above (the process answers), readiness here: the database and the upload storage
    # answer too, so a load balancer sends no one to a process that would fail every page.
    @get("/readyz", name="ready", cache=False, include_in_schema=True, tags=["health"],
         summary="Readiness check",
         description="200 when the database and upload storage answer, else 503 naming what does not.",
         opt={"skip_session": True, "exclude_from_csrf": True})
    async def ready(self, request: Request[Any, Any, Any]) -> Response[Readiness]:
        problems = await readiness_problems(request.app.state.engine, request.app.state.storage)
        return Response(Readiness(status="not ready" if problems else "ready", problems=problems),
                        status_code=503 if problems else 200, headers={"cache-control": "no-store"})
