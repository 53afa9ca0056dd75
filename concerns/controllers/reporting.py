"""Reporting a concern in two steps (choose a category, then describe it), and following an
anonymous one with its follow-up code. Nothing here writes the session of an anonymous reporter:
the code page is the POST's own response (not a redirect carrying a message), and every action with
a code carries the code in the form, so no session row is written when the report is."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from concerns import service
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
from server import forms
from server.guards import requires_signed_in
from server.i18n import get_locale
from server.i18n import gettext as _
from server.stores.ratelimit import RateLimiter
from server.web import int_or_none

# Anonymous reports are limited for the whole site, never per address: a per-address counter
# would store who sent a report at what time.
ANONYMOUS_BUCKET = "concerns:anonymous"
KEPT_FIELDS = ("description", "neighborhood_id", "address", "lat", "long", "photo_alt", "language", "identity",
               "description_public")


class ReportController(Controller):
    path = "/concerns"
    include_in_schema = False

    @get("/new", name="concerns.new")
    async def choose(self, request: Request[Any, Any, Any], category: FromQuery[str | None] = None) -> Template:
        chosen = await service.get_category(int_or_none(category)) if category else None
        context = await form_context(chosen if chosen and chosen.active else None)
        viewer = request.user
        form = {"identity": "private" if viewer else "anonymous", "language": get_locale(),
                "neighborhood_id": str(viewer.neighborhood_id) if viewer else ""}
        # What was typed before the category was chosen (a form sent without one comes back to step 1
        # carrying it), so nothing is lost on the way.
        form.update({k: v for k, v in request.query_params.items() if k in KEPT_FIELDS and isinstance(v, str)})
        template = "concerns/new_details.html" if context["category"] else "concerns/new.html"
        return Template(template, context={**context, "form": form, "errors": {}, "kept_fields": KEPT_FIELDS})

    @post("/new", name="concerns.submit", guards=[requires_signed_in], request_max_body_size=MAX_REPORT_BODY)
    async def submit(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        """A report by a signed-in resident, with the name shown or hidden from the public."""
        return await _submit(request, ("named", "private"))

    # No session is read or written for this route: a signed-in person reporting anonymously is not
    # signed in here, and their session row is not touched (even its daily refresh, whose expiry
    # would date the write) at the moment the report is.
    @post("/new/anonymous", name="concerns.submit_anonymous", request_max_body_size=MAX_REPORT_BODY,
          opt={"skip_session": True})
    async def submit_anonymous(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        return await _submit(request, ("anonymous",))

    @get("/followup", name="concerns.followup_form")
    async def followup_form(self) -> Template:
        return Template("concerns/followup.html", context={"form": {}, "errors": {}, "detail": None, "done": "",
                                                          **labels()})

    async def _with_code(self, request: Request[Any, Any, Any], form: dict[str, str],
                         errors: forms.Errors | None = None, status: int = 200,
                         done: str = "") -> Template:
        case_id = await service.find_by_code(form.get("code", ""))
        if case_id is None:
            return Template("concerns/followup.html", status_code=400, headers=NO_STORE, context={
                "form": form, "errors": {"code": _("No concern has this follow-up code. Please check what you "
                                                   "typed: 16 letters and digits, like ABCD-EFGH-JKMN-PQRS.")},
                "detail": None, "done": "", **labels()})
        detail = await service.get_case(case_id, None, holds_code=True)
        return Template("concerns/followup.html", status_code=status, headers=NO_STORE, context={
            "form": {"code": form.get("code", "")}, "errors": errors or {}, "detail": detail, "done": done,
            "typed": form if errors else {}, **labels()})

    @post("/followup", name="concerns.followup")
    async def followup(self, request: Request[Any, Any, Any]) -> Template:
        form = await forms.read_form(request)
        action = form.get("action", "")
        if action == "":
            return await self._with_code(request, form)
        case_id = await service.find_by_code(form.get("code", ""))
        if case_id is None:
            return await self._with_code(request, form)
        errors: forms.Errors = {}
        done = ""
        try:
            if action == "info":
                text = forms.text(form, "info", errors, max_length=3000)
                if not errors:
                    await service.add_info(case_id, text, holds_code=True)
                    done = _("Thank you: your information was added to the case.")
            elif action == "dispute":
                reason = forms.text(form, "reason", errors, max_length=3000, min_length=10)
                if not errors:
                    await service.dispute(case_id, reason, holds_code=True)
                    done = _("The concern is open again, with your reason. Those handling it have been told.")
            elif action == "confirm":
                await service.confirm(case_id, holds_code=True)
                done = _("Thank you for confirming that it is resolved.")
            else:
                raise NotFoundException()
        except service.Refused as exc:
            errors = exc.errors
        return await self._with_code(request, form, errors, 400 if errors else 200, done)


async def _submit(request: Request[Any, Any, Any], identities: tuple[str, ...]) -> Template | Redirect:
    form, photo, photo_name = await read_with_photo(request)
    viewer = request.user
    if identities == ("anonymous",):
        form["identity"] = "anonymous"
    data, errors = await parse(form, identities)
    if data is not None and photo is None and data.photo_alt:
        data = msgspec.structs.replace(data, photo_alt="")
    submitted = None
    if not errors and data is not None:
        limiter: RateLimiter = request.app.state.concern_reports
        if data.identity == "anonymous" and not await limiter.allow(ANONYMOUS_BUCKET):
            errors["form"] = _("Many anonymous reports arrived in the last minutes. Please try again in a "
                               "few minutes; nothing you typed is lost.")
        else:
            try:
                submitted = await service.submit(data, account_id=viewer.id if viewer else None, photo=photo,
                                                 upload_dir=upload_dir(request))
            except service.Refused as exc:
                errors = exc.errors
    if submitted is None:
        hold_for_retry(request, form, photo, photo_name, errors)
        chosen = await service.get_category(int_or_none(form.get("category_id")))
        context = await form_context(chosen)
        if chosen is None:
            errors = {"category_id": _("Please choose a category from the list.")}
        return Template("concerns/new_details.html" if chosen else "concerns/new.html", status_code=400,
                        context={**context, "form": form, "errors": errors, "kept_fields": KEPT_FIELDS})
    if submitted.code is not None:
        # Shown once, in this response: not stored, not in a session, not cached on the way.
        return Template("concerns/submitted.html", headers=NO_STORE,
                        context={"case_id": submitted.id, "code": submitted.code, "intake": False})
    return Redirect(f"/concerns/{submitted.id}?new=1", status_code=HTTP_303_SEE_OTHER)
