"""Reporting (anyone signed in) and the moderators' queue, actions and log."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from proposals.moderation import rules, service
from proposals.moderation.registry import kind_names
from server import forms
from server.guards import requires_confirmed, requires_moderator, requires_signed_in
from server.i18n import gettext as _
from server.redirects import safe_path
from server.web import is_htmx


class ReportController(Controller):
    path = "/moderation/report"
    include_in_schema = False

    @get("/", name="moderation.report_form", guards=[requires_signed_in, requires_confirmed])
    async def report_form(self, request: Request[Any, Any, Any], kind: FromQuery[str], id: FromQuery[int],
                          next: FromQuery[str | None] = None) -> Template:
        """The report form: a page without JavaScript, a fragment replacing the link with htmx."""
        if kind not in kind_names():
            raise NotFoundException()
        info = (await service.describe_for(kind, [id], request.user)).get(id)
        if info is None:
            raise NotFoundException()
        context = {"kind": kind, "id": id, "next": safe_path(next, info.url or "/"), "errors": {},
                   "title": info.title}
        if is_htmx(request):
            return Template("moderation/_report_form.html", context=context)
        return Template("moderation/report.html", context=context)

    @post("/", name="moderation.report", guards=[requires_signed_in, requires_confirmed])
    async def report(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await forms.read_form(request)
        kind = form.get("kind", "")
        raw_id = form.get("id", "")
        reason = form.get("reason", "")
        if reason not in rules.REASONS:
            message, category = _("Please choose why you are reporting this."), "error"
        elif kind not in kind_names() or not raw_id.isdigit():
            message, category = _("This cannot be reported."), "error"
        elif not await request.app.state.reports.allow(f"report:account:{request.user.id}"):
            message, category = _("You have sent many reports in the last hour. Please wait a while before "
                                  "sending more: moderators are looking at the ones you sent."), "error"
        else:
            try:
                outcome = await service.report(kind, int(raw_id), request.user.id, reason)
            except service.ModerationError as exc:
                message, category = str(exc), "error"
            else:
                category = "success"
                message = (_("You already reported this. A moderator will look at it.") if outcome == "already"
                           else _("Thank you. A moderator will look at it."))
        if is_htmx(request):
            return Template("moderation/_report_done.html",
                            context={"message": message, "category": category, "kind": kind, "id": raw_id})
        flash(request, message, category)
        return Redirect(safe_path(form.get("next")), status_code=303)


class BlockedController(Controller):
    """A blocked person's own page: why, since when, and a way to ask for a review."""

    path = "/moderation/blocked"
    include_in_schema = False
    guards = [requires_signed_in]

    async def _page(self, request: Request[Any, Any, Any], errors: dict[str, str] | None = None,
                    form: dict[str, str] | None = None, status: int = 200) -> Template:
        return Template("moderation/blocked.html", status_code=status, context={
            "notice": await service.block_notice(request.user.id), "errors": errors or {}, "form": form or {}})

    @get("/", name="moderation.blocked")
    async def show(self, request: Request[Any, Any, Any]) -> Template:
        return await self._page(request)

    @post("/", name="moderation.appeal")
    async def appeal(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await forms.read_form(request)
        try:
            await service.appeal_block(request.user.id, form.get("appeal", ""))
        except service.ModerationError as exc:
            return await self._page(request, {"appeal": str(exc)}, form, status=400)
        flash(request, _("Your request was sent to the moderators. You will be notified of their answer."),
              "success")
        return Redirect(service.BLOCK_PAGE, status_code=303)


class ModerationController(Controller):
    path = "/moderation"
    guards = [requires_moderator]
    include_in_schema = False

    async def _queue(self, errors: dict[str, str] | None = None, form: dict[str, str] | None = None,
                     status: int = 200) -> Template:
        return Template("moderation/queue.html", context={
            "items": await service.queue(), "reasons": rules.REASONS, "errors": errors or {}, "form": form or {},
        }, status_code=status)

    @get("/", name="moderation.queue")
    async def queue(self) -> Template:
        return await self._queue()

    @post("/act", name="moderation.act")
    async def act(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        """One form per queue item: hide (with a reason category), restore or block the author.
        The note is required and goes to the moderation log."""
        form = await forms.read_form(request)
        kind, raw_id, action = form.get("kind", ""), form.get("id", ""), form.get("action", "")
        errors: forms.Errors = {}
        note = forms.text(form, "note", errors, max_length=1000)
        key = f"{kind}-{raw_id}"
        if not raw_id.isdigit() or kind not in kind_names() or action not in ("hide", "restore", "block"):
            errors["form"] = _("This cannot be moderated.")
        if not errors:
            try:
                if action == "hide":
                    await service.hide(kind, int(raw_id), request.user.id, form.get("category", ""), note)
                elif action == "restore":
                    await service.restore(kind, int(raw_id), request.user.id, note)
                else:
                    await service.block_author(kind, int(raw_id), request.user.id, note)
            except service.ModerationError as exc:
                errors["form"] = str(exc)
        if errors:
            return await self._queue({f"note-{key}": errors.get("note", errors.get("form", ""))},
                                     {f"note-{key}": form.get("note", "")}, 400)
        flash(request, {"hide": _("Hidden. The action is in the moderation log."),
                        "restore": _("Restored. The action is in the moderation log.") if form.get("was_hidden")
                        else _("Kept visible; its reports are closed. The action is in the moderation log."),
                        "block": _("Author blocked from posting. The action is in the moderation log.")}[action],
              "success")
        return Redirect("/moderation", status_code=303)

    @post("/unblock", name="moderation.unblock")
    async def unblock(self, request: Request[Any, Any, Any]) -> Redirect:
        form = await forms.read_form(request)
        raw_id = form.get("account_id", "")
        try:
            if not raw_id.isdigit():
                raise service.ModerationError(_("This cannot be moderated."))
            await service.unblock(int(raw_id), request.user.id, form.get("note", ""))
        except service.ModerationError as exc:
            flash(request, str(exc), "error")
        else:
            flash(request, _("Unblocked. The action is in the moderation log."), "success")
        return Redirect("/moderation/log", status_code=303)

    @get("/log", name="moderation.log")
    async def log(self, page: FromQuery[int] = 1) -> Template:
        entries, has_more = await service.log(page)
        return Template("moderation/log.html", context={"entries": entries, "page": max(page, 1),
                                                        "has_more": has_more})
