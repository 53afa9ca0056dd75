"""Code batches after issuing: a second council member confirms (or declines) a batch requested while
voting is open, council voids a lost batch, and council or the batch's partner print its sheet.
Thin: parse, call ballots/batch_service.py, render."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Response, Template

from ballots import batch_service, service
from ballots.controllers.council import code_sheet
from ballots.controllers.voting import NO_STORE, load_ballot
from ballots.schemas import BatchView
from server import forms
from server.guards import requires_council, requires_partner_or_council
from server.i18n import gettext as _
from server.web import see_other


async def _batch(request: Request[Any, Any, Any], ballot_id: int, batch_id: int) -> BatchView:
    batch = await batch_service.get_batch(batch_id, request.user.id, request.user.is_council)
    if batch is None or batch.ballot_id != ballot_id:
        raise NotFoundException()
    return batch


class CouncilBatchController(Controller):
    path = "/council/ballots/{ballot_id:int}/batches/{batch_id:int}"
    guards = [requires_council]
    include_in_schema = False

    @post("/confirm", name="ballots.batches.confirm")
    async def confirm(self, request: Request[Any, Any, Any], ballot_id: FromPath[int],
                      batch_id: FromPath[int]) -> Template | Response[str] | Redirect:
        batch = await _batch(request, ballot_id, batch_id)
        try:
            plain = await batch_service.confirm_batch(batch_id, request.user.id)
        except service.SameStaff:
            flash(request, _("You asked for these codes, so another council member must confirm them."), "error")
        except batch_service.BatchGone:
            flash(request, _("This request was already confirmed, declined or withdrawn."), "error")
        except service.NotOpen:
            flash(request, _("Voting on this ballot has closed: no more codes can be issued."), "error")
        except batch_service.BadBatch:
            flash(request, _("This batch's ages no longer fit the ballot's age limit. Decline it and ask again."),
                  "error")
        else:
            return code_sheet(await load_ballot(ballot_id), plain, batch.name, False)
        return see_other(f"/council/ballots/{ballot_id}#codes-title")

    @post("/refuse", name="ballots.batches.refuse")
    async def refuse(self, request: Request[Any, Any, Any], ballot_id: FromPath[int],
                     batch_id: FromPath[int]) -> Redirect:
        await _batch(request, ballot_id, batch_id)
        try:
            await batch_service.refuse_batch(batch_id, request.user.id)
        except batch_service.BatchGone:
            flash(request, _("This request was already confirmed, declined or withdrawn."), "error")
        else:
            flash(request, _("The request was withdrawn. No codes were made."), "success")
        return see_other(f"/council/ballots/{ballot_id}#codes-title")

    @get("/void", name="ballots.batches.void_form")
    async def void_form(self, request: Request[Any, Any, Any], ballot_id: FromPath[int],
                        batch_id: FromPath[int]) -> Template:
        return Template("ballots/council/void.html", context={
            "batch": await _batch(request, ballot_id, batch_id), "form": {}, "errors": {}})

    @post("/void", name="ballots.batches.void")
    async def void(self, request: Request[Any, Any, Any], ballot_id: FromPath[int],
                   batch_id: FromPath[int]) -> Template | Redirect:
        batch = await _batch(request, ballot_id, batch_id)
        form = await forms.read_form(request)
        errors: forms.Errors = {}
        reason = forms.text(form, "reason", errors, max_length=200)
        if not errors:
            try:
                await batch_service.void_batch(batch_id, request.user.id, reason)
            except batch_service.BatchGone:
                errors["form"] = _("Only an issued batch that is not voided yet can be voided.")
            else:
                flash(request, _("The batch is voided: its unused codes no longer work. The ballot's page says so."),
                      "success")
                return see_other(f"/council/ballots/{ballot_id}#codes-title")
        return Template("ballots/council/void.html", status_code=400,
                        context={"batch": batch, "form": form, "errors": errors})


class BatchSheetController(Controller):
    """What partners reach: their batches, and the printable sheet of one (council may print any)."""

    guards = [requires_partner_or_council]
    include_in_schema = False

    @get("/partner/batches", name="ballots.batches.partner")
    async def partner_batches(self, request: Request[Any, Any, Any]) -> Template:
        return Template("ballots/partner_batches.html", context={
            "batches": await batch_service.partner_batches(request.user.id)})

    @get("/batches/{batch_id:int}/print", name="ballots.batches.print")
    async def print_sheet(self, request: Request[Any, Any, Any], batch_id: FromPath[int]) -> Template:
        batch = await batch_service.get_batch(batch_id, request.user.id, request.user.is_council)
        if batch is None:
            raise NotFoundException()
        plain = await batch_service.sheet(batch)
        return Template("ballots/batch_sheet.html", headers=NO_STORE, context={
            "batch": batch, "ballot": await load_ballot(batch.ballot_id), "codes": plain or []})
