"""Handling cases: council staff for the council's categories, oversight members for the categories
routed to the oversight body (the service decides which cases each may act on); intake of concerns
that arrive by phone, paper, in person, through outreach or a community partner; categories and
Open311 API keys (council staff)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from concerns import open311, rules, service
from concerns.controllers._shared import (
    MAX_REPORT_BODY,
    NO_STORE,
    form_context,
    hold_for_retry,
    labels,
    parse,
    read_with_photo,
    upload_dir,
)
from concerns.schemas import METHOD_LABELS, parse_category, parse_status
from server import forms, links
from server.guards import requires_council, requires_partner_or_council, requires_role
from server.i18n import gettext as _
from server.web import see_other

requires_case_staff = requires_role("council", "oversight")


class CaseworkController(Controller):
    path = "/concerns/cases"
    guards = [requires_case_staff]
    include_in_schema = False

    @get("/", name="concerns.cases")
    async def queue(self, request: Request[Any, Any, Any], status: FromQuery[str | None] = None) -> Template:
        status = status if status in (*rules.STATUSES, "open") else None
        return Template("concerns/cases.html", context={
            "cases": await service.staff_cases(request.user, status=status), "filter": status or "", **labels()})

    async def _manage(self, request: Request[Any, Any, Any], case_id: int, errors: forms.Errors | None = None,
                      form: dict[str, str] | None = None, status: int = 200) -> Template:
        detail = await service.get_case(case_id, request.user)
        if detail is None:
            raise NotFoundException()
        return Template("concerns/manage.html", status_code=status, context={
            "detail": detail, "c": detail.summary, "errors": errors or {}, "form": form or {},
            "next_statuses": rules.allowed_next(detail.summary.status),
            "methods": [(k, str(v)) for k, v in METHOD_LABELS.items()],
            "link_kinds": [(name, _(spec.label)) for name, spec in links.kinds().items() if name != "concern"],
            **labels()})

    @get("/{case_id:int}", name="concerns.manage")
    async def manage(self, request: Request[Any, Any, Any], case_id: FromPath[int]) -> Template:
        return await self._manage(request, case_id)

    async def _act(self, request: Request[Any, Any, Any], case_id: int, action: Any,
                   message: str) -> Template | Redirect:
        form = await forms.read_form(request)
        errors: forms.Errors = {}
        try:
            errors = await action(form)
        except service.NotFound as exc:
            raise NotFoundException() from exc
        except service.NotAllowed as exc:
            raise PermissionDeniedException() from exc
        except service.Refused as exc:
            errors = exc.errors
        if errors:
            return await self._manage(request, case_id, errors, form, status=400)
        flash(request, message, "success")
        return see_other(f"/concerns/cases/{case_id}")

    @post("/{case_id:int}/status", name="concerns.status")
    async def change_status(self, request: Request[Any, Any, Any], case_id: FromPath[int]) -> Template | Redirect:
        async def act(form: dict[str, str]) -> forms.Errors:
            change, errors = parse_status(form)
            if change is not None:
                await service.change_status(case_id, request.user, change)
            return errors
        return await self._act(request, case_id, act, _("Status changed; the public note is on the case's page."))

    @post("/{case_id:int}/note", name="concerns.note")
    async def note(self, request: Request[Any, Any, Any], case_id: FromPath[int]) -> Template | Redirect:
        async def act(form: dict[str, str]) -> forms.Errors:
            errors: forms.Errors = {}
            body = forms.text(form, "body", errors, max_length=5000)
            if not errors:
                await service.add_note(case_id, request.user, body)
            return errors
        return await self._act(request, case_id, act, _("Internal note added."))

    @post("/{case_id:int}/assign", name="concerns.assign")
    async def assign(self, request: Request[Any, Any, Any], case_id: FromPath[int]) -> Template | Redirect:
        async def act(form: dict[str, str]) -> forms.Errors:
            errors: forms.Errors = {}
            team = forms.text(form, "team", errors, max_length=120, min_length=2)
            if not errors:
                await service.assign(case_id, request.user, team)
            return errors
        return await self._act(request, case_id, act, _("Team assigned."))

    @post("/{case_id:int}/question", name="concerns.question")
    async def question(self, request: Request[Any, Any, Any], case_id: FromPath[int]) -> Template | Redirect:
        async def act(form: dict[str, str]) -> forms.Errors:
            errors: forms.Errors = {}
            text = forms.text(form, "question", errors, max_length=3000, min_length=5)
            if not errors:
                await service.ask(case_id, request.user, text)
            return errors
        return await self._act(request, case_id, act, _("Question sent to the reporter."))

    @post("/{case_id:int}/publish", name="concerns.publish")
    async def publish(self, request: Request[Any, Any, Any], case_id: FromPath[int]) -> Template | Redirect:
        async def act(form: dict[str, str]) -> forms.Errors:
            await service.publish(case_id, request.user, description=forms.checkbox(form, "description"),
                                  photo=forms.checkbox(form, "photo"))
            return {}
        return await self._act(request, case_id, act, _("What the public sees was updated."))

    @post("/{case_id:int}/links", name="concerns.link")
    async def link(self, request: Request[Any, Any, Any], case_id: FromPath[int]) -> Template | Redirect:
        async def act(form: dict[str, str]) -> forms.Errors:
            errors: forms.Errors = {}
            target = forms.integer(form, "target_id", errors, minimum=1, maximum=2**31)
            kind = forms.choice(form, "kind", errors, list(links.kinds()))
            if errors or target is None:
                return errors
            if form.get("remove") == "1":
                await service.remove_link(case_id, request.user, kind, target)
            else:
                await service.add_link(case_id, request.user, kind, target)
            return {}
        return await self._act(request, case_id, act, _("Links updated."))


class IntakeController(Controller):
    """Concerns that came by phone, paper, in person or outreach (council staff), or that a community
    partner enters for someone. The person gets a follow-up code, read out or printed for them."""

    path = "/concerns/intake"
    guards = [requires_partner_or_council]
    include_in_schema = False

    @get("/", name="concerns.intake_form")
    async def intake_form(self, request: Request[Any, Any, Any]) -> Template:
        form = {"channel": "phone" if request.user.is_council else "partner", "identity": "anonymous"}
        return Template("concerns/intake.html", context={**await form_context(), "form": form, "errors": {}})

    @post("/", name="concerns.intake", request_max_body_size=MAX_REPORT_BODY)
    async def intake(self, request: Request[Any, Any, Any]) -> Template:
        form, photo, photo_name = await read_with_photo(request)
        form["identity"] = "anonymous"
        data, errors = await parse(form, ("anonymous",))
        viewer = request.user
        # A partner's submissions are recorded as theirs, whatever the form says.
        channel = forms.choice(form, "channel", errors, rules.STAFF_CHANNELS) if viewer.is_council else "partner"
        if data is not None and not errors:
            try:
                submitted = await service.submit(data, account_id=None, channel=channel, entered_by=viewer.id,
                                                 photo=photo, upload_dir=upload_dir(request))
            except service.Refused as exc:
                errors = exc.errors
            else:
                return Template("concerns/submitted.html", headers=NO_STORE, context={
                    "case_id": submitted.id, "code": submitted.code, "intake": True})
        hold_for_retry(request, form, photo, photo_name, errors)
        return Template("concerns/intake.html", status_code=400, context={
            **await form_context(), "form": form, "errors": errors})


class CategoriesController(Controller):
    path = "/council/concerns"
    guards = [requires_council]
    include_in_schema = False

    async def _page(self, errors: forms.Errors | None = None, form: dict[str, str] | None = None,
                    editing: int | None = None, new_key: str = "", status: int = 200) -> Template:
        return Template("concerns/categories.html", status_code=status, headers=NO_STORE, context={
            "categories": await service.categories(active_only=False), "errors": errors or {},
            "form": form or {"first_response_days": "2", "resolution_days": "30", "active": "on"},
            "editing": editing, "keys": await open311.keys(), "new_key": new_key})

    @get("/", name="concerns.categories")
    async def categories(self) -> Template:
        return await self._page()

    async def _save(self, request: Request[Any, Any, Any], category_id: int | None) -> Template | Redirect:
        form = await forms.read_form(request)
        data, errors = parse_category(form)
        if data is not None:
            try:
                await service.save_category(data, category_id)
            except service.Refused as exc:
                errors = exc.errors
            except service.NotFound as exc:
                raise NotFoundException() from exc
        if errors:
            return await self._page(errors, form, editing=category_id, status=400)
        flash(request, _("Category saved."), "success")
        return see_other("/council/concerns")

    @post("/categories", name="concerns.category_add")
    async def add(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        return await self._save(request, None)

    @post("/categories/{category_id:int}", name="concerns.category_edit")
    async def edit(self, request: Request[Any, Any, Any], category_id: FromPath[int]) -> Template | Redirect:
        return await self._save(request, category_id)

    @post("/keys", name="concerns.key_add")
    async def add_key(self, request: Request[Any, Any, Any]) -> Template:
        form = await forms.read_form(request)
        errors: forms.Errors = {}
        name = forms.text(form, "key_name", errors, max_length=120, min_length=2)
        if errors:
            return await self._page(errors, form, status=400)
        key = await open311.issue_key(name, request.user.id)
        # Shown once in this response; only its hash is kept.
        return await self._page(new_key=key)

    @post("/keys/{key_id:int}/revoke", name="concerns.key_revoke")
    async def revoke_key(self, request: Request[Any, Any, Any], key_id: FromPath[int]) -> Redirect:
        await open311.revoke_key(key_id)
        flash(request, _("The key no longer works."), "success")
        return see_other("/council/concerns")
