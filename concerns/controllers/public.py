"""Public concern pages (the list with counts and figures, a case's page and photo) and what a
signed-in reporter does on their own case."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import File, Redirect, Template

from concerns import rules, service
from concerns.controllers._shared import labels, upload_dir
from server import forms, photos
from server.guards import requires_not_blocked, requires_signed_in
from server.i18n import gettext as _
from server.neighborhoods.service import active_neighborhoods
from server.web import int_or_none, see_other


async def case_page(request: Request[Any, Any, Any], case_id: int, errors: forms.Errors | None = None,
                    form: dict[str, str] | None = None, status: int = 200) -> Template:
    detail = await service.get_case(case_id, request.user)
    if detail is None:
        raise NotFoundException()
    return Template("concerns/case.html", status_code=status, context={
        "detail": detail, "c": detail.summary, "errors": errors or {}, "form": form or {}, **labels()})


class ConcernsController(Controller):
    path = "/concerns"
    include_in_schema = False

    @get("/", name="concerns.list")
    async def list_cases(self, neighborhood: FromQuery[str | None] = None, category: FromQuery[str | None] = None,
                         status: FromQuery[str | None] = None, page: FromQuery[int] = 1) -> Template:
        hood_id = int_or_none(neighborhood)
        status = status if status in (*rules.STATUSES, "overdue") else None
        cases, more = await service.public_cases(neighborhood_id=hood_id, category=category or None, status=status,
                                                 page=page)
        cats = await service.categories(active_only=False)
        return Template("concerns/list.html", context={
            "cases": cases, "has_more": more, "page": max(1, page), "categories": cats,
            "category_names": {c.code: c.name for c in cats},
            "neighborhoods": await active_neighborhoods(), "breakdown": await service.breakdown(),
            "figures": await service.category_figures(),
            "filters": {"neighborhood": hood_id, "category": category or "", "status": status or ""}, **labels()})

    @get("/mine", name="concerns.mine", guards=[requires_signed_in])
    async def mine(self, request: Request[Any, Any, Any]) -> Template:
        return Template("concerns/mine.html", context={"cases": await service.my_cases(request.user), **labels()})

    @get("/{case_id:int}", name="concerns.case")
    async def case(self, request: Request[Any, Any, Any], case_id: FromPath[int]) -> Template:
        return await case_page(request, case_id)

    @get("/{case_id:int}/photo/{name:str}", name="concerns.photo")
    async def photo(self, request: Request[Any, Any, Any], case_id: FromPath[int], name: FromPath[str]) -> File:
        public = await service.photo_visible_to(case_id, name, request.user)
        if public is None:
            raise NotFoundException()
        return photos.photo_response(upload_dir(request), name, public=public)

    async def _reporter_action(self, request: Request[Any, Any, Any], case_id: int, action: str) -> Template | Redirect:
        form = await forms.read_form(request)
        errors: forms.Errors = {}
        try:
            if action == "info":
                text = forms.text(form, "info", errors, max_length=3000)
                if not errors:
                    await service.add_info(case_id, text, viewer=request.user)
                    flash(request, _("Thank you: your information was added to the case."), "success")
            elif action == "dispute":
                reason = forms.text(form, "reason", errors, max_length=3000, min_length=10)
                if not errors:
                    await service.dispute(case_id, reason, viewer=request.user)
                    flash(request, _("The concern is open again, with your reason. Those handling it have been "
                                     "told."), "success")
            else:
                await service.confirm(case_id, viewer=request.user)
                flash(request, _("Thank you for confirming that it is resolved."), "success")
        except service.NotFound as exc:
            raise NotFoundException() from exc
        except service.NotAllowed as exc:
            raise PermissionDeniedException() from exc
        except service.Refused as exc:
            errors = exc.errors
        if errors:
            return await case_page(request, case_id, errors, form, status=400)
        return see_other(f"/concerns/{case_id}")

    @post("/{case_id:int}/info", name="concerns.info", guards=[requires_signed_in])
    async def info(self, request: Request[Any, Any, Any], case_id: FromPath[int]) -> Template | Redirect:
        return await self._reporter_action(request, case_id, "info")

    @post("/{case_id:int}/dispute", name="concerns.dispute", guards=[requires_signed_in])
    async def dispute(self, request: Request[Any, Any, Any], case_id: FromPath[int]) -> Template | Redirect:
        return await self._reporter_action(request, case_id, "dispute")

    @post("/{case_id:int}/confirm", name="concerns.confirm", guards=[requires_signed_in])
    async def confirm(self, request: Request[Any, Any, Any], case_id: FromPath[int]) -> Template | Redirect:
        return await self._reporter_action(request, case_id, "confirm")

    @post("/{case_id:int}/follow", name="concerns.follow", guards=[requires_signed_in])
    async def follow(self, request: Request[Any, Any, Any], case_id: FromPath[int]) -> Redirect:
        form = await forms.read_form(request)
        try:
            if form.get("follow") == "0":
                await service.unfollow(case_id, request.user)
                flash(request, _("You no longer follow this concern."), "success")
            else:
                await service.follow(case_id, request.user)
                flash(request, _("You will be notified when this concern changes."), "success")
        except service.NotFound as exc:
            raise NotFoundException() from exc
        return see_other(f"/concerns/{case_id}")

    @post("/{case_id:int}/proposal", name="concerns.to_proposal", guards=[requires_not_blocked])
    async def to_proposal(self, request: Request[Any, Any, Any], case_id: FromPath[int]) -> Template | Redirect:
        try:
            proposal_id = await service.to_proposal(case_id, request.user)
        except service.NotFound as exc:
            raise NotFoundException() from exc
        except service.NotAllowed as exc:
            raise PermissionDeniedException() from exc
        except service.Refused as exc:
            return await case_page(request, case_id, exc.errors, status=400)
        flash(request, _("A draft proposal was started from this concern. Check it, add a cost and submit it."),
              "success")
        return see_other(f"/proposals/{proposal_id}/edit")
