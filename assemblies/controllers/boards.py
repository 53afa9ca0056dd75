"""Advisory boards and task forces: the public pages (purpose, members, meetings, commitments), and
the council's pages to create bodies and manage their memberships."""

from __future__ import annotations

from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from assemblies import rules, service
from assemblies.controllers._shared import neighborhood_ids, neighborhood_options, options, run
from assemblies.schemas import (
    BODY_KIND_LABELS,
    COMMITMENT_STATUS_LABELS,
    MEETING_KIND_LABELS,
    MEETING_STATUS_LABELS,
    ROLE_LABELS,
    parse_body,
    parse_date,
    parse_member,
)
from server import clock, forms
from server.guards import requires_council, requires_signed_in
from server.i18n import gettext as _
from server.web import is_htmx, see_other


def _labels() -> dict[str, Any]:
    return {"body_kind_labels": BODY_KIND_LABELS, "role_labels": ROLE_LABELS, "kind_labels": MEETING_KIND_LABELS,
            "status_labels": MEETING_STATUS_LABELS, "commitment_labels": COMMITMENT_STATUS_LABELS}


class BoardsController(Controller):
    path = "/boards"
    include_in_schema = False

    @get("/", name="boards.list")
    async def list_bodies(self) -> Template:
        return Template("assemblies/boards.html", context={**_labels(), "bodies": await service.list_bodies()})

    @get("/{body_id:int}", name="boards.detail")
    async def detail(self, request: Request[Any, Any, Any], body_id: FromPath[int]) -> Template:
        detail = await service.body_detail(body_id, request.user)
        if detail is None:
            raise NotFoundException()
        following = request.user is not None and await service.is_following(service.BODY, body_id, request.user.id)
        return Template("assemblies/board.html", context={**_labels(), "detail": detail, "b": detail.body,
                                                           "following": following, "now": clock.now()})

    @post("/{body_id:int}/follow", name="boards.follow", guards=[requires_signed_in])
    async def follow(self, request: Request[Any, Any, Any], body_id: FromPath[int]) -> Redirect | Template:
        form = await forms.read_form(request)
        stop = form.get("follow") == "0"
        await run(lambda: (service.unfollow if stop else service.follow)(service.BODY, body_id, request.user.id))
        if is_htmx(request):
            detail = await service.body_detail(body_id, request.user)
            return HTMXBlockTemplate(template_name="assemblies/board.html", block_name="follow_box", context={
                **_labels(), "detail": detail, "b": detail.body if detail else None, "following": not stop})
        flash(request, _("You no longer follow this board.") if stop
              else _("You will be notified when this board publishes minutes or makes commitments."), "success")
        return see_other(f"/boards/{body_id}")


class CouncilBoardsController(Controller):
    path = "/council/boards"
    guards = [requires_council]
    include_in_schema = False

    async def _list(self, form: dict[str, str] | None = None, errors: dict[str, str] | None = None,
                    status: int = 200) -> Template:
        return Template("assemblies/council_boards.html", status_code=status, context={
            **_labels(), "bodies": await service.list_bodies(),
            "form": form or {"kind": "board", "start_date": clock.today().isoformat()}, "errors": errors or {},
            "kind_options": options(BODY_KIND_LABELS), "neighborhood_options": await neighborhood_options(),
        })

    @get("/", name="boards.council")
    async def overview(self) -> Template:
        return await self._list()

    @post("/", name="boards.create")
    async def create(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await forms.read_form(request)
        data, errors = parse_body(form, await neighborhood_ids())
        if data is None:
            return await self._list(form, errors, status=400)
        body_id = await run(lambda: service.create_body(request.user, data))
        flash(request, _("Board created. Add its members below."), "success")
        return see_other(f"/council/boards/{body_id}")

    async def _manage(self, body_id: int, form: dict[str, str] | None = None, errors: dict[str, str] | None = None,
                      status: int = 200, body_form: dict[str, str] | None = None,
                      body_errors: dict[str, str] | None = None) -> Template:
        body = await service.get_body(body_id)
        if body is None:
            raise NotFoundException()
        current = {"name": body.name, "kind": body.kind, "purpose": body.purpose,
                   "neighborhood_id": str(body.neighborhood_id or ""), "start_date": body.start_date.isoformat(),
                   "end_date": body.end_date.isoformat() if body.end_date else ""}
        return Template("assemblies/council_board.html", status_code=status, context={
            **_labels(), "b": body, "members": await service.members_of(body_id),
            "form": form or {"role": rules.MEMBER, "term_start": clock.today().isoformat()}, "errors": errors or {},
            "body_form": body_form or current, "body_errors": body_errors or {},
            "kind_options": options(BODY_KIND_LABELS), "neighborhood_options": await neighborhood_options(),
            "role_options": options(ROLE_LABELS), "today": clock.today().isoformat(),
        })

    @post("/{body_id:int}", name="boards.update")
    async def update(self, request: Request[Any, Any, Any], body_id: FromPath[int]) -> Template | Redirect:
        form = await forms.read_form(request)
        data, errors = parse_body(form, await neighborhood_ids())
        if data is None:
            return await self._manage(body_id, body_form=form, body_errors=errors, status=400)
        await run(lambda: service.update_body(body_id, request.user, data))
        flash(request, _("Board saved."), "success")
        return see_other(f"/council/boards/{body_id}")

    @get("/{body_id:int}", name="boards.manage")
    async def manage(self, body_id: FromPath[int]) -> Template:
        return await self._manage(body_id)

    @post("/{body_id:int}/members", name="boards.member_add")
    async def add_member(self, request: Request[Any, Any, Any], body_id: FromPath[int]) -> Template | Redirect:
        form = await forms.read_form(request)
        data, errors = parse_member(form)
        if data is not None:
            try:
                await run(lambda: service.add_member(body_id, request.user, data))
            except service.Refused as exc:
                errors = exc.errors
        if errors:
            return await self._manage(body_id, form, errors, status=400)
        flash(request, _("Member added."), "success")
        return see_other(f"/council/boards/{body_id}")

    @post("/{body_id:int}/members/{member_id:int}/end", name="boards.member_end")
    async def end_member(self, request: Request[Any, Any, Any], body_id: FromPath[int],
                         member_id: FromPath[int]) -> Template | Redirect:
        form = await forms.read_form(request)
        errors: forms.Errors = {}
        end = parse_date(form, "end_date", errors) or clock.today()
        if not errors:
            try:
                await run(lambda: service.end_membership(body_id, member_id, request.user, end))
            except service.Refused as exc:
                errors = exc.errors
        if errors:
            return await self._manage(body_id, errors={f"end_date_{member_id}": next(iter(errors.values()))},
                                      status=400)
        flash(request, _("Term ended. The membership stays in the board's history."), "success")
        return see_other(f"/council/boards/{body_id}")
