"""Publishing results (council) and reading them (everyone), with open-data downloads."""

from __future__ import annotations

import csv
import io
from typing import Any

import msgspec
from litestar import Controller, MediaType, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from ballots import service as ballots_service
from ballots.counting import service as counting
from ballots.counting.explanations import explain_count
from ballots.results import service
from ballots.results.charts import result_charts
from ballots.schemas import TurnoutView
from server import forms
from server.database import one_connection
from server.guards import requires_council
from server.i18n import gettext as _
from server.small_groups import Cell, machine_cell

PUBLISH_ERRORS = {
    "statement_required": lambda: _("Please write a statement to go with the result."),
    "statement_too_long": lambda: _("Please keep the statement to %(n)s characters or fewer.", n=service.MAX_STATEMENT),
    "count_not_done": lambda: _("There is no finished count to publish yet."),
    "count_outdated": lambda: _("The ballots changed since this count. Count again, then publish."),
    "sheets_waiting": lambda: _("Paper sheets are still waiting for their second entry or are in mismatch "
                                "(listed above). Resolve them on the paper ballots page, count again, then publish."),
    "reason_required": lambda: _("A correction needs a reason, shown to everyone next to the new version."),
}


async def _ballot(ballot_id: int):
    ballot = await ballots_service.get_ballot(ballot_id)
    if ballot is None:
        raise NotFoundException()
    return ballot


class PublishController(Controller):
    path = "/council/ballots/{ballot_id:int}/publish"
    guards = [requires_council]
    include_in_schema = False

    async def _page(self, ballot_id: int, form: dict[str, str], errors: dict[str, str], status: int = 200) -> Template:
        return Template("results/publish.html", status_code=status, context={
            "ballot": await _ballot(ballot_id), "count": await counting.latest_count(ballot_id),
            "publications": await service.publications(ballot_id), "form": form, "errors": errors,
            # Publishing is refused while any of these wait: the page says which, and why.
            "sheets_waiting": await ballots_service.sheets_waiting(ballot_id),
        })

    @get("/", name="results.publish_form")
    async def form(self, ballot_id: FromPath[int]) -> Template:
        return await self._page(ballot_id, {}, {})

    @post("/", name="results.publish")
    async def publish(self, request: Request[Any, Any, Any], ballot_id: FromPath[int]) -> Template | Redirect:
        form = await forms.read_form(request)
        errors: forms.Errors = {}
        count_run_id = forms.integer(form, "count_run_id", errors)
        if not errors:
            try:
                view = await service.publish(ballot_id, count_run_id or 0, form.get("statement", ""),
                                             request.user.id, form.get("correction_reason", ""))
            except service.PublishError as exc:
                errors[exc.field] = PUBLISH_ERRORS[exc.code]()
            else:
                flash(request, _("Version %(v)s of the result is published.", v=view.version), "success")
                return Redirect(f"/ballots/{ballot_id}/results", status_code=HTTP_303_SEE_OTHER)
        return await self._page(ballot_id, form, errors, 400)


def _turnout_json(turnout: TurnoutView, by_neighborhood: list[Cell]) -> dict[str, Any]:
    total = machine_cell(turnout.total, turnout.total is None)
    groups = lambda rows: [{"group": g.key, **machine_cell(g.count, g.fewer_than_five)} for g in rows]  # noqa: E731
    return {
        "total": total, "by_origin": groups(turnout.by_origin), "by_age": groups(turnout.by_age),
        # Online voters by their neighborhood; "" is code and paper voters (no neighborhood on record).
        "by_neighborhood": [{"group": c.key, **machine_cell(c.count, c.fewer_than_threshold)} for c in by_neighborhood],
    }


class ResultsController(Controller):
    path = "/ballots/{ballot_id:int}/results"
    include_in_schema = False

    async def _publication(self, ballot_id: int, version: int | None):
        publication = await service.get_publication(ballot_id, version)
        if publication is None:
            raise NotFoundException()
        return publication

    async def _page(self, request: Request[Any, Any, Any], ballot_id: int, version: int | None,
                    find: dict[str, Any] | None = None, status: int = 200) -> Template:
        async with one_connection():
            ballot = await ballots_service.get_ballot_without_candidates(ballot_id)
            if ballot is None:
                raise NotFoundException()
            publication, versions = await service.publication_page(ballot_id, version)
            if publication is None:
                raise NotFoundException()
            turnout = await ballots_service.turnout(ballot_id)
            by_neighborhood = await service.turnout_by_neighborhood(ballot_id)
        currency = request.app.state.settings.currency
        headers = {"Cache-Control": "no-store"} if find else None
        return Template("results/page.html", status_code=status, headers=headers, context={
            "ballot": ballot, "publication": publication, "count": publication.count,
            "explanations": explain_count(publication.count, currency),
            "versions": versions, "turnout": turnout,
            "charts": result_charts(publication.count, turnout, currency, by_neighborhood),
            # Everything the page shows above "Find my ballot" comes from these (results/page.html).
            "shown": (ballot, publication, versions, turnout, by_neighborhood),
            "find": find or {"form": {}, "errors": {}, "found": None},
        })

    @get("/", name="results.page")
    async def page(self, request: Request[Any, Any, Any], ballot_id: FromPath[int],
                   version: FromQuery[int | None] = None) -> Template:
        return await self._page(request, ballot_id, version)

    @post("/find", name="results.find")
    async def find(self, request: Request[Any, Any, Any], ballot_id: FromPath[int],
                   version: FromQuery[int | None] = None) -> Template:
        """Find my ballot: the line of the published file that holds the ballot of a receipt. The
        receipt travels in the POST body, never in a URL."""
        form = await forms.read_form(request)
        errors: forms.Errors = {}
        typed = forms.text(form, "receipt", errors, max_length=40)
        found = await service.find_ballot(ballot_id, typed, version) if not errors else None
        if not errors and found is None:
            errors["receipt"] = _("This is not a receipt code: it has 16 letters and digits in four groups, like "
                                  "ABCD-EFGH-JKMN-PQRS.")
        return await self._page(request, ballot_id, version, {"form": form, "errors": errors, "found": found},
                                status=400 if errors else 200)

    @get("/ballots.pb", name="results.pb", media_type=MediaType.TEXT)
    async def pb_file(self, ballot_id: FromPath[int], version: FromQuery[int | None] = None) -> Response[str]:
        publication = await self._publication(ballot_id, version)
        text = await service.published_file(ballot_id, publication.version)
        return Response(text or "", media_type="text/plain", headers={
            "content-disposition": f'attachment; filename="townsquare-ballot-{ballot_id}-v{publication.version}.pb"'})

    @get("/results.json", name="results.json")
    async def json_file(self, ballot_id: FromPath[int], version: FromQuery[int | None] = None) -> Response[bytes]:
        p = await self._publication(ballot_id, version)
        body = {
            "ballot_id": ballot_id, "version": p.version, "published_at": p.published_at.isoformat(),
            "statement": p.statement, "correction_reason": p.correction_reason, "rule": p.count.rule,
            "tie_break": p.count.tie_break, "completion": p.count.completion or None,
            "ballot_set_hash": p.count.ballot_set_hash,
            "ballots_counted": p.count.ballots_counted, "budget": p.count.budget, "spent": p.count.spent,
            "selected": [str(f.proposal_id) for f in p.count.funded],
            "projects": [{"id": str(x.proposal_id), "title": x.title, "cost": x.cost, "points": x.points,
                          "selected": x.selected, "chosen_rank": x.chosen_rank,
                          "explanation": {"code": x.explanation_code, "params": x.explanation_params,
                                          "text": x.explanation_text}} for x in p.count.projects],
            # Small groups: count null, suppressed true, never 0 (server/small_groups.py `machine_cell`).
            "turnout": _turnout_json(await ballots_service.turnout(ballot_id),
                                     await service.turnout_by_neighborhood_cells(ballot_id)),
        }
        return Response(msgspec.json.encode(body), media_type=MediaType.JSON, headers={
            "content-disposition": f'attachment; filename="townsquare-ballot-{ballot_id}-v{p.version}-results.json"'})

    @get("/turnout.csv", name="results.turnout_csv")
    async def turnout_csv(self, ballot_id: FromPath[int]) -> Response[str]:
        """Turnout by group as CSV, small groups suppressed as in results.json and the API."""
        await self._publication(ballot_id, None)
        data = _turnout_json(await ballots_service.turnout(ballot_id),
                             await service.turnout_by_neighborhood_cells(ballot_id))
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["breakdown", "group", "count", "suppressed", "fewer_than_5"])
        total = data["total"]
        writer.writerow(["total", "", "" if total["count"] is None else total["count"], int(total["suppressed"]),
                         int(total["fewer_than_5"])])
        for breakdown in ("by_origin", "by_age", "by_neighborhood"):
            for g in data[breakdown]:
                writer.writerow([breakdown, g["group"], "" if g["count"] is None else g["count"], int(g["suppressed"]),
                                 int(g["fewer_than_5"])])
        return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers={
            "content-disposition": f'attachment; filename="townsquare-ballot-{ballot_id}-turnout.csv"'})

    @get("/results.csv", name="results.csv")
    async def csv_file(self, ballot_id: FromPath[int], version: FromQuery[int | None] = None) -> Response[str]:
        p = await self._publication(ballot_id, version)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["project_id", "title", "cost", "points", "selected", "chosen_rank", "explanation"])
        for x in sorted(p.count.projects, key=lambda x: (not x.selected, x.chosen_rank or 0, -x.points)):
            writer.writerow([x.proposal_id, x.title, x.cost, x.points, int(x.selected), x.chosen_rank or "",
                             x.explanation_text])
        return Response(out.getvalue(), media_type="text/csv", headers={
            "content-disposition": f'attachment; filename="townsquare-ballot-{ballot_id}-v{p.version}-results.csv"'})
