"""Council pages for counting a closed ballot and reading the draft result before publishing."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from ballots import service as ballots_service
from ballots.counting import service
from ballots.results import service as results
from server.guards import requires_council
from server.i18n import gettext as _
from server.web import is_htmx


class CountController(Controller):
    path = "/council/ballots/{ballot_id:int}/count"
    guards = [requires_council]
    include_in_schema = False

    async def _context(self, ballot_id: int) -> dict[str, Any]:
        ballot = await ballots_service.get_ballot(ballot_id)
        if ballot is None:
            raise NotFoundException()
        runs = await service.count_runs(ballot_id)
        latest = next((r for r in runs if r.status == "done"), runs[0] if runs else None)
        running = next((r for r in runs if r.status == "running"), None)
        published = await results.is_published(ballot_id)
        return {"ballot": ballot, "runs": runs, "latest": latest, "running": running, "published": published}

    @get("/", name="counting.page")
    async def page(self, request: Request[Any, Any, Any], ballot_id: FromPath[int]) -> Template:
        context = await self._context(ballot_id)
        if is_htmx(request):
            return Template("ballots/counting/_status.html", context=context)
        return Template("ballots/counting/page.html", context=context)

    @post("/", name="counting.run")
    async def run(self, request: Request[Any, Any, Any], ballot_id: FromPath[int]) -> Redirect:
        try:
            view = await service.count_ballot(ballot_id)
        except service.NotCountable:
            flash(request, _("This ballot can be counted once voting has closed."), "error")
        else:
            if view.status == "failed":
                flash(request, _("The count failed: %(error)s", error=view.error), "error")
            else:
                flash(request, _("Counted %(n)s ballots.", n=view.ballots_counted), "success")
        return Redirect(f"/council/ballots/{ballot_id}/count", status_code=HTTP_303_SEE_OTHER)
