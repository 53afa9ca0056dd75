"""Council pages: the review queue, review decisions, and budget cycles with their dates."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from proposals import phases, service
from proposals.controllers.proposals import phase_closed_message
from proposals.schemas import CycleView, parse_cycle, parse_review
from proposals.views import labels
from server import forms
from server.guards import requires_council
from server.i18n import gettext as _
from server.neighborhoods.service import all_neighborhoods
from server.verification import paths
from server.web import int_or_none, is_htmx, see_other

QUEUE_STATES = ("submitted", "feasible", "not_feasible", "merged")


class ReviewController(Controller):
    path = "/council/review"
    guards = [requires_council]
    include_in_schema = False

    @get("/", name="review.queue")
    async def queue(self, request: Request[Any, Any, Any]) -> Template:
        params = request.query_params
        state = params.get("state", "submitted")
        state = state if state in QUEUE_STATES else ""
        hood = int_or_none(params.get("neighborhood"))
        cycle = int_or_none(params.get("cycle"))
        return Template("proposals/review_queue.html", context={
            "items": await service.review_queue(hood, state, cycle),
            "state": state, "neighborhood": hood, "cycle": cycle, "states": QUEUE_STATES,
            "neighborhoods": await all_neighborhoods(count_residents=False), "cycles": await service.list_cycles(),
            "labels": labels(),
        })

    async def _page(self, request: Request[Any, Any, Any], proposal_id: int, form: dict[str, str],
                    errors: forms.Errors, status: int = 200) -> Template:
        detail = await service.get_proposal(proposal_id, request.user)
        if detail is None or detail.status == "draft":
            raise NotFoundException()
        siblings = [p for p in await service.review_queue(detail.neighborhood_id, "", detail.cycle.id)
                    if p.id != proposal_id and p.status in service.OPEN_STATUSES]
        if errors and is_htmx(request):
            status = 200
        return Template("proposals/review.html", status_code=status, context={
            "p": detail, "form": form, "errors": errors, "siblings": siblings, "labels": labels(),
            "events": await service.timeline(proposal_id, request.user), "open": phases.can_review(detail.cycle.phase),
        })

    @get("/{proposal_id:int}", name="review.form")
    async def review_form(self, request: Request[Any, Any, Any], proposal_id: FromPath[int]) -> Template:
        detail = await service.get_proposal(proposal_id, request.user)
        form: dict[str, str] = {}
        if detail is not None and detail.status in ("feasible", "not_feasible"):
            # A new decision starts from the standing one, its public reason included: submitting
            # it unchanged must not leave the public timeline without the reason.
            latest = [e for e in await service.timeline(proposal_id) if e.kind == detail.status]
            form = {"decision": detail.status, "final_cost": str(detail.final_cost or ""),
                    "ballot_eligible": "on" if detail.ballot_eligible else "",
                    "reason": latest[-1].reason if latest else ""}
        elif detail is not None:
            form = {"final_cost": str(detail.estimated_cost), "ballot_eligible": "on"}
        return await self._page(request, proposal_id, form, {})

    @post("/{proposal_id:int}", name="review.decide")
    async def decide(self, request: Request[Any, Any, Any], proposal_id: FromPath[int]) -> Template | Redirect:
        form = await forms.read_form(request)
        data, errors = parse_review(form)
        if data is not None and not errors:
            try:
                await service.review(proposal_id, request.user.id, data)
            except service.NotFound as exc:
                raise NotFoundException() from exc
            except service.PhaseClosed as exc:
                errors["form"] = phase_closed_message(exc.phase)
            except service.InvalidMerge:
                errors["merge_into"] = _("Choose another open proposal of the same cycle and neighborhood.")
            except service.InvalidState:
                errors["form"] = _("This proposal cannot take that decision now.")
            else:
                flash(request, _("Decision recorded. Followers have been notified."), "success")
                return see_other(f"/proposals/{proposal_id}")
        return await self._page(request, proposal_id, form, errors, status=400)


def cycle_form(cycle: CycleView) -> dict[str, str]:
    return {"name": cycle.name, **{f: getattr(cycle, f).isoformat() for f in phases.DATE_FIELDS},
            **{f"path_{p}": "yes" for p in cycle.paths}}


class CycleAdminController(Controller):
    path = "/council/cycles"
    guards = [requires_council]
    include_in_schema = False

    async def _page(self, form: dict[str, str], errors: forms.Errors, status: int = 200) -> Template:
        return Template("cycles/manage.html", status_code=status, context={
            "cycles": await service.list_cycles(), "form": form, "errors": errors, "labels": labels(),
            "fields": phases.DATE_FIELDS, "paths": paths.PATHS, "path_labels": paths.LABELS})

    @get("/", name="cycles.manage")
    async def manage(self) -> Template:
        return await self._page({f"path_{p}": "yes" for p in paths.PATHS}, {})

    @post("/", name="cycles.create")
    async def create(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await forms.read_form(request)
        data, errors = parse_cycle(form)
        if data is None or errors:
            return await self._page(form, errors, 200 if is_htmx(request) else 400)
        cycle = await service.create_cycle(data)
        flash(request, _("Cycle “%(name)s” created.", name=cycle.name), "success")
        return see_other(f"/cycles/{cycle.id}")

    async def _edit_page(self, cycle: CycleView, form: dict[str, str], errors: forms.Errors,
                         status: int = 200) -> Template:
        return Template("cycles/edit.html", status_code=status, context={
            "cycle": cycle, "form": form, "errors": errors, "labels": labels(), "fields": phases.DATE_FIELDS,
            "paths": paths.PATHS, "path_labels": paths.LABELS})

    @get("/{cycle_id:int}/edit", name="cycles.edit_form")
    async def edit_form(self, cycle_id: FromPath[int]) -> Template:
        cycle = await service.get_cycle(cycle_id)
        if cycle is None:
            raise NotFoundException()
        return await self._edit_page(cycle, cycle_form(cycle), {})

    @post("/{cycle_id:int}/edit", name="cycles.edit")
    async def edit(self, request: Request[Any, Any, Any], cycle_id: FromPath[int]) -> Template | Redirect:
        cycle = await service.get_cycle(cycle_id)
        if cycle is None:
            raise NotFoundException()
        form = await forms.read_form(request)
        data, errors = parse_cycle(form)
        if data is None or errors:
            return await self._edit_page(cycle, form, errors, 200 if is_htmx(request) else 400)
        try:
            await service.update_cycle(cycle_id, data)
        except service.InvalidState as exc:
            return await self._edit_page(cycle, form, {"form": str(exc)}, 200 if is_htmx(request) else 400)
        flash(request, _("Dates saved. Phases now open and close on the new dates."), "success")
        return see_other(f"/cycles/{cycle_id}")


class CycleController(Controller):
    path = "/cycles"
    include_in_schema = False

    @get("/{cycle_id:int}", name="cycles.detail")
    async def detail(self, request: Request[Any, Any, Any], cycle_id: FromPath[int]) -> Template:
        cycle = await service.get_cycle(cycle_id)
        if cycle is None:
            raise NotFoundException()
        return Template("cycles/detail.html", context={"cycle": cycle, "labels": labels(), "paths": paths.PATHS,
                                                       "path_labels": paths.LABELS})
