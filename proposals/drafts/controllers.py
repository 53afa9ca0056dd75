"""Draft procedure pages: reading and commenting (everyone), amendments (residents), editing,
publishing and deciding (council). Every form is a plain POST; htmx only swaps parts in place."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from proposals.drafts import service
from server import clock, forms
from server.database import one_connection
from server.guards import requires_confirmed, requires_council, requires_not_blocked, requires_signed_in
from server.i18n import gettext as _
from server.web import is_htmx


def _date(form: dict[str, str], name: str, errors: dict[str, str]) -> dt.date | None:
    raw = form.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors[name] = _("Please enter a date like 2027-03-31.")
        return None


class DraftController(Controller):
    path = "/drafts"
    include_in_schema = False

    # ------------------------------------------------------------ reading

    @get("/", name="drafts.list")
    async def list_page(self, request: Request[Any, Any, Any]) -> Template:
        viewer = request.user
        drafts = await service.list_drafts(include_unpublished=service.sees_unpublished(viewer))
        return Template("drafts/list.html", context={"drafts": drafts, "errors": {}, "form": {}})

    @post("/", name="drafts.create", guards=[requires_council])
    async def create(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await forms.read_form(request)
        try:
            draft_id = await service.create_draft(request.user.id, form.get("title", ""), form.get("summary", ""))
        except service.DraftError as exc:
            drafts = await service.list_drafts(include_unpublished=True)
            return Template("drafts/list.html", context={"drafts": drafts, "errors": exc.errors, "form": form},
                            status_code=400)
        flash(request, _("Draft created. Add its sections, then publish it for comment."), "success")
        return Redirect(f"/drafts/{draft_id}/edit", status_code=303)

    async def _page(self, request: Request[Any, Any, Any], draft_id: int, *, errors: dict[str, str] | None = None,
                    form: dict[str, str] | None = None, error_form: str = "", status: int = 200) -> Template:
        try:
            async with one_connection():
                page = await service.draft_page(draft_id, request.user)
        except service.NotFound as exc:
            raise NotFoundException() from exc
        return Template("drafts/draft.html", context={
            "page": page, "errors": errors or {}, "form": form or {}, "error_form": error_form,
            "following": page.following,
        }, status_code=200 if is_htmx(request) else status)

    @get("/{draft_id:int}", name="drafts.show")
    async def show(self, request: Request[Any, Any, Any], draft_id: FromPath[int]) -> Template:
        if (back := forms.take_stashed_form(request, f"/drafts/{draft_id}")) is not None:
            return await self._page(request, draft_id, errors=back.errors, form=back.form, error_form=back.form_id)
        return await self._page(request, draft_id)

    async def _refused(self, request: Request[Any, Any, Any], draft_id: int, errors: dict[str, str],
                       form: dict[str, str], error_form: str, anchor: str) -> Template | Redirect:
        """Without htmx, the page is long: come back to the form that was refused (the browser scrolls
        to it), with its error and what was typed, at an address that can be reloaded."""
        if is_htmx(request):
            return await self._page(request, draft_id, errors=errors, form=form, error_form=error_form, status=400)
        forms.stash_form(request, f"/drafts/{draft_id}", error_form, errors, form)
        return Redirect(f"/drafts/{draft_id}#{anchor}", status_code=303)

    @get("/{draft_id:int}/versions/{number:int}", name="drafts.version")
    async def version(self, draft_id: FromPath[int], number: FromPath[int]) -> Template:
        try:
            page = await service.version_page(draft_id, number)
        except service.NotFound as exc:
            raise NotFoundException() from exc
        return Template("drafts/version.html", context={"page": page})

    # ------------------------------------------------------------ residents

    @post("/{draft_id:int}/follow", name="drafts.follow", guards=[requires_signed_in])
    async def follow(self, request: Request[Any, Any, Any], draft_id: FromPath[int]) -> Template | Redirect:
        form = await forms.read_form(request)
        stop = form.get("follow") == "0"
        try:
            if stop:
                await service.unfollow(draft_id, request.user.id)
            else:
                await service.follow(draft_id, request.user.id)
        except service.NotFound as exc:
            raise NotFoundException() from exc
        if is_htmx(request):
            # htmx swaps just the follow box; its new text says what happened.
            return Template("drafts/_follow.html", context={"following": not stop, "d_id": draft_id})
        flash(request, _("You no longer follow this draft.") if stop
              else _("You will be notified of new versions and comments on this draft."), "success")
        return Redirect(f"/drafts/{draft_id}#follow-box", status_code=303)

    async def _after(self, request: Request[Any, Any, Any], draft_id: int, anchor: str,
                     message: str = "") -> Template | Redirect:
        if is_htmx(request):
            return await self._page(request, draft_id)
        if message:
            flash(request, message, "success")
        return Redirect(f"/drafts/{draft_id}#{anchor}", status_code=303)

    @post("/{draft_id:int}/sections/{key:int}/amendments", name="drafts.amend",
          guards=[requires_not_blocked, requires_confirmed])
    async def amend(self, request: Request[Any, Any, Any], draft_id: FromPath[int],
                    key: FromPath[int]) -> Template | Redirect:
        form = await forms.read_form(request)
        try:
            amendment_id = await service.propose_amendment(request.user.id, draft_id, key, form.get("text", ""),
                                                           form.get("reason", ""))
        except service.NotFound as exc:
            raise NotFoundException() from exc
        except service.DraftError as exc:
            return await self._refused(request, draft_id, exc.errors, form, f"amend-{key}", f"amend-{key}-text")
        return await self._after(request, draft_id, f"amendment-{amendment_id}",
                                 _("Thank you. Your suggested wording is published for others to discuss."))

    @post("/{draft_id:int}/amendments/{amendment_id:int}/support", name="drafts.support",
          guards=[requires_not_blocked, requires_confirmed])
    async def support(self, request: Request[Any, Any, Any], draft_id: FromPath[int],
                      amendment_id: FromPath[int]) -> Template | Redirect:
        try:
            await service.toggle_support(amendment_id, request.user.id)
        except service.NotFound as exc:
            raise NotFoundException() from exc
        except service.DraftError as exc:
            return await self._refused(request, draft_id, exc.errors, {}, f"amendment-{amendment_id}",
                                       f"amendment-{amendment_id}")
        return await self._after(request, draft_id, f"amendment-{amendment_id}")

    # ------------------------------------------------------------ council: answering

    @post("/{draft_id:int}/amendments/{amendment_id:int}/decide", name="drafts.decide", guards=[requires_council])
    async def decide(self, request: Request[Any, Any, Any], draft_id: FromPath[int],
                     amendment_id: FromPath[int]) -> Template | Redirect:
        form = await forms.read_form(request)
        try:
            await service.decide_amendment(request.user.id, amendment_id, form.get("decision", ""),
                                           form.get("decision_reason", ""))
        except service.NotFound as exc:
            raise NotFoundException() from exc
        except service.DraftError as exc:
            return await self._refused(request, draft_id, exc.errors, form, f"amendment-{amendment_id}",
                                       f"amendment-{amendment_id}")
        return await self._after(request, draft_id, f"amendment-{amendment_id}", _("Decision published."))

    @post("/{draft_id:int}/sections/{key:int}/summary", name="drafts.summary", guards=[requires_council])
    async def section_summary(self, request: Request[Any, Any, Any], draft_id: FromPath[int],
                              key: FromPath[int]) -> Template | Redirect:
        form = await forms.read_form(request)
        try:
            await service.set_section_summary(request.user.id, draft_id, key, form.get("summary_body", ""))
        except service.NotFound as exc:
            raise NotFoundException() from exc
        except service.DraftError as exc:
            return await self._refused(request, draft_id, exc.errors, form, f"summary-{key}", f"summary-{key}")
        return await self._after(request, draft_id, f"section-{key}", _("Your response to this section is published."))

    @get("/{draft_id:int}/export.json", name="drafts.export_json", guards=[requires_council])
    async def export_json(self, draft_id: FromPath[int]) -> Response[bytes]:
        data = await self._export(draft_id)
        return Response(json.dumps(data, ensure_ascii=False, indent=2).encode(), media_type="application/json",
                        headers={"content-disposition": f'attachment; filename="draft-{draft_id}.json"'})

    @get("/{draft_id:int}/export.csv", name="drafts.export_csv", guards=[requires_council])
    async def export_csv(self, draft_id: FromPath[int]) -> Response[bytes]:
        data = await self._export(draft_id)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["type", "id", "on", "section", "amendment_id", "parent_id", "author", "stance", "official",
                         "votes_or_supporters", "status", "created_at", "edited", "deleted", "hidden", "text",
                         "reason", "decision_reason"])
        for c in data["comments"]:
            writer.writerow(["comment", c["id"], c["on"], c["section"], c["amendment_id"] or "", c["parent_id"] or "",
                             c["author"], c["stance"], c["official"], c["votes"], "", c["created_at"], c["edited"],
                             c["deleted"], c["hidden"], c["body"], "", ""])
        for a in data["amendments"]:
            writer.writerow(["amendment", a["id"], "section", a["section"], "", "", a["author"], "", "",
                             a["supporters"], a["status"], "", "", "", a["hidden"], a["text"], a["reason"],
                             a["decision_reason"]])
        return Response(out.getvalue().encode("utf-8-sig"), media_type="text/csv",
                        headers={"content-disposition": f'attachment; filename="draft-{draft_id}.csv"'})

    async def _export(self, draft_id: int) -> dict:
        try:
            return await service.export(draft_id)
        except service.NotFound as exc:
            raise NotFoundException() from exc


class DraftEditorController(Controller):
    """Council pages to write drafts and publish versions; buttons only, no JavaScript needed."""

    path = "/drafts"
    guards = [requires_council]
    include_in_schema = False

    async def _editor(self, draft_id: int, errors: dict[str, str] | None = None, form: dict[str, str] | None = None,
                      error_form: str = "", status: int = 200) -> Template:
        try:
            draft = await service.draft_info(draft_id)
        except service.NotFound as exc:
            raise NotFoundException() from exc
        return Template("drafts/edit.html", context={
            "draft": draft, "sections": await service.editor_sections(draft_id), "errors": errors or {},
            "form": form or {}, "error_form": error_form, "today": clock.today(),
        }, status_code=status)

    @get("/{draft_id:int}/edit", name="drafts.edit")
    async def edit(self, draft_id: FromPath[int]) -> Template:
        return await self._editor(draft_id)

    async def _run(self, request: Request[Any, Any, Any], draft_id: int, error_form: str, action: Any,
                   message: str, anchor: str = "") -> Template | Redirect:
        form = await forms.read_form(request)
        try:
            await action(form)
        except service.NotFound as exc:
            raise NotFoundException() from exc
        except service.DraftError as exc:
            return await self._editor(draft_id, exc.errors, form, error_form, 400)
        if message:
            flash(request, message, "success")
        return Redirect(f"/drafts/{draft_id}/edit{anchor}", status_code=303)

    @post("/{draft_id:int}/details", name="drafts.details")
    async def details(self, request: Request[Any, Any, Any], draft_id: FromPath[int]) -> Template | Redirect:
        uid = request.user.id
        return await self._run(request, draft_id, "details", lambda f: service.update_draft(
            uid, draft_id, f.get("title", ""), f.get("summary", "")), _("Saved."))

    @post("/{draft_id:int}/sections", name="drafts.add_section")
    async def add_section(self, request: Request[Any, Any, Any], draft_id: FromPath[int]) -> Template | Redirect:
        uid = request.user.id
        return await self._run(request, draft_id, "add", lambda f: service.add_section(
            uid, draft_id, f.get("heading", ""), f.get("body", "")), _("Section added."), "#add-section")

    @post("/{draft_id:int}/sections/{section_id:int}/save", name="drafts.save_section")
    async def save_section(self, request: Request[Any, Any, Any], draft_id: FromPath[int],
                           section_id: FromPath[int]) -> Template | Redirect:
        uid = request.user.id
        return await self._run(request, draft_id, f"section-{section_id}", lambda f: service.update_section(
            uid, draft_id, section_id, f.get("heading", ""), f.get("body", "")), _("Section saved."),
            f"#edit-section-{section_id}")

    @post("/{draft_id:int}/sections/{section_id:int}/move", name="drafts.move_section")
    async def move_section(self, request: Request[Any, Any, Any], draft_id: FromPath[int],
                           section_id: FromPath[int]) -> Template | Redirect:
        uid = request.user.id
        return await self._run(request, draft_id, "", lambda f: service.move_section(
            uid, draft_id, section_id, -1 if f.get("direction") == "up" else 1), "", f"#edit-section-{section_id}")

    @post("/{draft_id:int}/sections/{section_id:int}/remove", name="drafts.remove_section")
    async def remove_section(self, request: Request[Any, Any, Any], draft_id: FromPath[int],
                             section_id: FromPath[int]) -> Template | Redirect:
        uid = request.user.id
        return await self._run(request, draft_id, "", lambda f: service.remove_section(uid, draft_id, section_id),
                               _("Section removed."))

    @post("/{draft_id:int}/versions", name="drafts.new_version")
    async def new_version(self, request: Request[Any, Any, Any], draft_id: FromPath[int]) -> Template | Redirect:
        uid = request.user.id
        return await self._run(request, draft_id, "", lambda f: service.start_new_version(uid, draft_id),
                               _("A new version is ready to edit. Residents keep seeing the published one."))

    @post("/{draft_id:int}/publish", name="drafts.publish")
    async def publish(self, request: Request[Any, Any, Any], draft_id: FromPath[int]) -> Template | Redirect:
        form = await forms.read_form(request)
        errors: dict[str, str] = {}
        opens = _date(form, "comment_opens", errors)
        closes = _date(form, "comment_closes", errors)
        if not errors:
            try:
                number = await service.publish_version(request.user.id, draft_id, form.get("changelog", ""),
                                                       opens, closes)
            except service.NotFound as exc:
                raise NotFoundException() from exc
            except service.DraftError as exc:
                errors = exc.errors
        if errors:
            return await self._editor(draft_id, errors, form, "publish", 400)
        flash(request, _("Version %(n)s is published.", n=number), "success")
        return Redirect(f"/drafts/{draft_id}/versions/{number}", status_code=303)
