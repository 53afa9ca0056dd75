"""The public register of commitments (filters, overdue flags), a commitment's page with its
timeline, following, and the council's pages to record a commitment, revise its date and report
progress."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from assemblies import rules, service
from assemblies.controllers._shared import (
    link_kinds,
    link_options,
    neighborhood_ids,
    neighborhood_options,
    options,
    run,
)
from assemblies.schemas import COMMITMENT_STATUS_LABELS, OUTCOME_LABELS, parse_commitment, parse_date
from server import clock, forms, links
from server.feeds import collect_entries, render_atom
from server.guards import requires_council, requires_signed_in
from server.i18n import gettext as _
from server.neighborhoods.service import active_neighborhoods
from server.web import int_or_none, is_htmx, see_other


def _labels() -> dict[str, Any]:
    return {"commitment_labels": COMMITMENT_STATUS_LABELS}


class CommitmentsController(Controller):
    path = "/commitments"
    include_in_schema = False

    @get("/", name="commitments.list")
    async def register(self, status: FromQuery[str | None] = None, owner: FromQuery[str | None] = None,
                       neighborhood: FromQuery[str | None] = None, overdue: FromQuery[str | None] = None,
                       outcome: FromQuery[str | None] = None, page: FromQuery[str | None] = None) -> Template:
        status = status if status in rules.COMMITMENT_STATUSES else None
        owners = await service.owners()
        owner = owner if owner in owners else None
        hood_id = int_or_none(neighborhood)
        outcome = outcome if outcome in OUTCOME_LABELS else None
        found = await service.commitment_page(page=int_or_none(page) or 1, status=status, owner=owner,
                                              neighborhood_id=hood_id, overdue_only=overdue == "1", outcome=outcome)
        sources = await links.resolve({(c.source_kind, c.source_id) for c in found.items
                                       if c.source_kind and c.source_id is not None})  # type: ignore[misc]
        # The other pages keep the filters (in the form's order, so links read like the form's own).
        query = urlencode([(k, v) for k, v in (("outcome", outcome), ("status", status), ("owner", owner),
                                               ("neighborhood", hood_id), ("overdue", "1" if overdue == "1" else None))
                           if v])
        return Template("assemblies/commitments.html", context={
            **_labels(), "items": found.items, "found": found, "query": query, "sources": sources, "owners": owners,
            "neighborhoods": await active_neighborhoods(), "status_options": options(COMMITMENT_STATUS_LABELS),
            "filters": {"status": status or "", "owner": owner or "", "neighborhood": hood_id,
                        "overdue": overdue == "1", "outcome": outcome or ""},
            "outcome_label": OUTCOME_LABELS.get(outcome or ""),
            "counts": await service.commitment_counts(),
        })

    @get("/{commitment_id:int}", name="commitments.detail")
    async def detail(self, request: Request[Any, Any, Any], commitment_id: FromPath[int]) -> Template:
        detail = await service.commitment_detail(commitment_id, request.user.id if request.user else None)
        if detail is None:
            raise NotFoundException()
        return Template("assemblies/commitment.html", context={
            **_labels(), "detail": detail, "c": detail.commitment,
            "source": await service.source_link(detail.commitment, request.user),
        })

    @post("/{commitment_id:int}/follow", name="commitments.follow", guards=[requires_signed_in])
    async def follow(self, request: Request[Any, Any, Any], commitment_id: FromPath[int]) -> Redirect | Template:
        form = await forms.read_form(request)
        stop = form.get("follow") == "0"
        await run(lambda: (service.unfollow if stop else service.follow)(service.COMMITMENT, commitment_id,
                                                                         request.user.id))
        if is_htmx(request):
            detail = await service.commitment_detail(commitment_id, request.user.id)
            return HTMXBlockTemplate(template_name="assemblies/commitment.html", block_name="follow_box", context={
                **_labels(), "detail": detail, "c": detail.commitment if detail else None})
        flash(request, _("You no longer follow this commitment.") if stop
              else _("You will be notified of progress, new dates and when it is overdue."), "success")
        return see_other(f"/commitments/{commitment_id}")


class CouncilCommitmentsController(Controller):
    path = "/council/commitments"
    guards = [requires_council]
    include_in_schema = False

    async def _new(self, form: dict[str, str], errors: dict[str, str], status: int = 200) -> Template:
        source = None
        kind, number = form.get("link_kind", ""), int_or_none(form.get("link_ref"))
        if kind and number and links.known(kind):
            source = await links.resolve_one(kind, number)
        return Template("assemblies/commitment_new.html", status_code=status, context={
            **_labels(), "form": form, "errors": errors, "source": source,
            "neighborhood_options": await neighborhood_options(), "link_options": link_options(),
        })

    @get("/new", name="commitments.new")
    async def new(self, source_kind: FromQuery[str | None] = None, source_id: FromQuery[str | None] = None) -> Template:
        form = {"link_kind": source_kind or "", "link_ref": source_id or ""}
        if source_kind == service.MEETING and (meeting_id := int_or_none(source_id)):
            meeting = await service.get_meeting(meeting_id)
            if meeting is not None and len(meeting.neighborhoods) == 1:
                form["neighborhood_id"] = str(meeting.neighborhoods[0].id)
        return await self._new(form, {})

    @post("/new", name="commitments.create")
    async def create(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await forms.read_form(request)
        data, errors = parse_commitment(form, await neighborhood_ids(), link_kinds())
        if data is not None:
            try:
                commitment_id = await run(lambda: service.create_commitment(request.user, data))
            except service.Refused as exc:
                errors = exc.errors
        if errors:
            return await self._new(form, errors, status=400)
        flash(request, _("Commitment published in the register."), "success")
        return see_other(f"/commitments/{commitment_id}")

    async def _manage(self, commitment_id: int, *, which: str = "", form: dict[str, str] | None = None,
                      errors: dict[str, str] | None = None, status: int = 200) -> Template:
        detail = await service.commitment_detail(commitment_id)
        if detail is None:
            raise NotFoundException()
        c = detail.commitment
        forms_ = {"revise": {"due_date": c.due_date.isoformat()}, "report": {"status": c.status}}
        errs: dict[str, dict[str, str]] = {"revise": {}, "report": {}}
        if which:
            forms_[which], errs[which] = form or {}, errors or {}
        return Template("assemblies/commitment_manage.html", status_code=status, context={
            **_labels(), "detail": detail, "c": c, "forms": forms_, "errors": errs,
            "status_options": [(s, str(COMMITMENT_STATUS_LABELS[s])) for s in rules.allowed_next(c.status)],
            "today": clock.today().isoformat(),
        })

    @get("/{commitment_id:int}", name="commitments.manage")
    async def manage(self, commitment_id: FromPath[int]) -> Template:
        return await self._manage(commitment_id)

    @post("/{commitment_id:int}/revise", name="commitments.revise")
    async def revise(self, request: Request[Any, Any, Any], commitment_id: FromPath[int]) -> Template | Redirect:
        form = await forms.read_form(request)
        errors: forms.Errors = {}
        new_date = parse_date(form, "due_date", errors)
        reason = forms.text(form, "reason", errors, max_length=5000)
        if new_date is not None and not errors:
            try:
                await run(lambda: service.revise_date(commitment_id, request.user, new_date, reason))
            except service.Refused as exc:
                errors = exc.errors
        if errors:
            return await self._manage(commitment_id, which="revise", form=form, errors=errors, status=400)
        flash(request, _("New date published with its reason."), "success")
        return see_other(f"/commitments/{commitment_id}")

    @post("/{commitment_id:int}/report", name="commitments.report")
    async def report(self, request: Request[Any, Any, Any], commitment_id: FromPath[int]) -> Template | Redirect:
        form = await forms.read_form(request)
        errors: forms.Errors = {}
        status = forms.choice(form, "status", errors, rules.COMMITMENT_STATUSES)
        body = forms.text(form, "body", errors, required=False, max_length=10000)
        if not errors:
            try:
                await run(lambda: service.report(commitment_id, request.user, status, body))
            except service.Refused as exc:
                errors = exc.errors
        if errors:
            return await self._manage(commitment_id, which="report", form=form, errors=errors, status=400)
        flash(request, _("Progress published."), "success")
        return see_other(f"/commitments/{commitment_id}")


class CommitmentFeedController(Controller):
    path = "/feeds"
    include_in_schema = False

    @get("/commitments.atom", name="commitments.feed", cache=False)
    async def feed(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        base = str(request.base_url).rstrip("/")
        body = render_atom(
            feed_id=f"{base}/feeds/commitments.atom", title=_("Townsquare: council commitments"), base_url=base,
            self_path="/feeds/commitments.atom", alternate_path="/commitments",
            entries=await collect_entries("commitments", 50, request.app.state.settings.currency))
        return Response(body, media_type="application/atom+xml; charset=utf-8")
