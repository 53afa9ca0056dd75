"""Proposal pages: list and search, submit and edit, revisions, supports and follows."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from proposals import comments, phases, service
from proposals.categories import CATEGORIES, STATUSES, phase_label
from proposals.moderation import service as moderation
from proposals.schemas import SORTS, ProposalDetail, ProposalFilters, parse_proposal
from proposals.supports import SupportRefusal
from proposals.threads import service as threads
from proposals.timeline_sources import later_events
from proposals.views import labels
from server import forms
from server.database import one_connection
from server.guards import requires_confirmed, requires_not_blocked, requires_signed_in
from server.i18n import gettext as _
from server.neighborhoods.service import all_neighborhoods
from server.web import int_or_none, is_htmx, see_other


def parse_filters(params: Any) -> ProposalFilters:
    """Filters from the query string; anything unknown is ignored rather than refused, so a
    shared link with a stale value still shows a page."""
    sort = params.get("sort") or "newest"
    return ProposalFilters(
        q=(params.get("q") or "").strip()[:100],
        neighborhood=int_or_none(params.get("neighborhood")),
        category=c if (c := params.get("category") or "") in CATEGORIES else "",
        status=s if (s := params.get("status") or "") in STATUSES else "",
        cycle=int_or_none(params.get("cycle")),
        sort=sort if sort in SORTS else "newest",
        page=max(1, int_or_none(params.get("page")) or 1),
    )


def filters_query(f: ProposalFilters) -> str:
    pairs = {"q": f.q, "neighborhood": f.neighborhood or "", "category": f.category, "status": f.status,
             "cycle": f.cycle or "", "sort": "" if f.sort == "newest" else f.sort}
    return urlencode({k: v for k, v in pairs.items() if v})


def phase_closed_message(phase: str) -> str:
    return _("This cannot be done now: the cycle is in its “%(phase)s” phase.", phase=phase_label(phase))


def proposal_form(detail: ProposalDetail) -> dict[str, str]:
    return {"title": detail.title, "summary": detail.summary, "description": detail.description,
            "category": detail.category, "estimated_cost": str(detail.estimated_cost or ""),  # 0: a draft without one
            "location": detail.location,
            "co_authors": ", ".join(p.email for p in detail.co_authors), "cycle": str(detail.cycle.id)}


def support_refusal_message(refusal: SupportRefusal) -> str:
    if refusal == SupportRefusal.OWN_PROPOSAL:
        return _("You are an author of this proposal: supports come from other residents.")
    return _("Only residents of the proposal's neighborhood can support it.")


class ProposalController(Controller):
    path = "/proposals"
    include_in_schema = False

    # ---- list ------------------------------------------------------------------------------

    @get("/", name="proposals.list")
    async def list_page(self, request: Request[Any, Any, Any]) -> Template:
        filters = parse_filters(request.query_params)
        viewer = request.user
        async with one_connection():
            cycles = await service.list_cycles()  # once: the filters, the current ones and those taking ideas
            context = {
                "filters": filters,
                "query": filters_query(filters),
                "results": await service.search_proposals(filters, viewer),
                "neighborhoods": await all_neighborhoods(count_residents=False),
                "cycles": cycles,
                "current": service.running(cycles),
                "accepting": service.accepting_ideas(cycles),
                "labels": labels(),
            }
        if is_htmx(request) and request.headers.get("hx-target") == "results":
            # The pushed address is the tidy, shareable one (no empty fields), same as without JS.
            query = "&".join(q for q in (context["query"], f"page={filters.page}" if filters.page > 1 else "") if q)
            return HTMXBlockTemplate(template_name="proposals/list.html", block_name="results", context=context,
                                     push_url=f"/proposals?{query}" if query else "/proposals")
        return Template("proposals/list.html", context=context)

    # ---- submit ------------------------------------------------------------------------------

    async def _form_page(self, request: Request[Any, Any, Any], form: dict[str, str], errors: forms.Errors,
                         proposal: ProposalDetail | None = None, status: int = 200) -> Template:
        if errors and status == 400 and is_htmx(request):
            status = 200
        return Template("proposals/form.html", status_code=status, context={
            "form": form, "errors": errors, "proposal": proposal, "labels": labels(),
            "cycles": await service.cycles_accepting_ideas(),
            "is_author": proposal is None or proposal.author.id == request.user.id,
        })

    @get("/new", name="proposals.new", guards=[requires_signed_in])
    async def new_form(self, request: Request[Any, Any, Any]) -> Template:
        return await self._form_page(request, {}, {})

    @post("/new", name="proposals.create", guards=[requires_not_blocked, requires_confirmed])
    async def create(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await forms.read_form(request)
        submit = form.get("action") != "draft"
        data, errors = parse_proposal(form, draft=not submit)
        accepting = {c.id for c in await service.cycles_accepting_ideas()}
        cycle_id = int_or_none(form.get("cycle"))
        if cycle_id not in accepting:
            cycle_id = None
            errors["form"] = _("Idea collection is closed, so proposals cannot be submitted now.")
        if data is not None and cycle_id is not None and not errors:
            try:
                pid = await service.create_proposal(request.user.id, request.user.neighborhood_id, cycle_id, data,
                                                    submit=submit)
            except service.UnknownCoAuthors as exc:
                errors["co_authors"] = _("No account uses these emails: %(emails)s. Co-authors need an account "
                                         "first.", emails=", ".join(exc.emails))
            except service.PhaseClosed as exc:
                errors["form"] = phase_closed_message(exc.phase)
            except service.InvalidState:
                errors["form"] = _("A submitted proposal needs every field filled in.")
            else:
                flash(request, _("Your proposal was submitted.") if submit else _("Draft saved. Only you and your "
                                                                                  "co-authors can see it."), "success")
                return see_other(f"/proposals/{pid}")
        return await self._form_page(request, form, errors, status=400)

    # ---- one proposal ------------------------------------------------------------------------

    async def _visible(self, request: Request[Any, Any, Any], proposal_id: int) -> ProposalDetail:
        viewer = request.user
        detail = await service.get_proposal(proposal_id, viewer)
        if detail is None:
            raise NotFoundException()
        return detail

    @get("/{proposal_id:int}", name="proposals.detail")
    async def detail(self, request: Request[Any, Any, Any], proposal_id: FromPath[int]) -> Template:
        detail = await self._visible(request, proposal_id)
        viewer = request.user
        hidden = (await moderation.hidden_map(comments.KIND, [proposal_id])).get(proposal_id)
        return Template("proposals/detail.html", context={
            "p": detail, "labels": labels(),
            # A hidden proposal's thread goes with it, for those who only see the placeholder. The rule
            # was applied above (get_proposal), so the thread loads from the kind's describe alone.
            "thread": (await threads.load_threads(comments.KIND, [proposal_id], viewer,
                                                  infos=await comments.describe([proposal_id])))[proposal_id]
            if detail.readable else None,
            # Hidden proposals show a placeholder; moderators and the authors still see the text.
            "hidden": hidden if hidden and not detail.readable else None,
            "hidden_note": hidden,
            "events": sorted([*await service.timeline(proposal_id, viewer),
                              *await later_events(proposal_id, request.app.state.settings.currency)],
                             key=lambda e: e.at),
            "support": await service.support_state(proposal_id, viewer.id if viewer else None),
            "following": await service.is_following(proposal_id, viewer.id if viewer else None),
            "can_edit": detail.is_editor(viewer.id if viewer else None) and phases.can_edit(detail.cycle.phase)
            and detail.status in ("draft", "submitted"),
            "can_withdraw": bool(viewer and viewer.id == detail.author.id)
            and service.can_withdraw(detail.cycle.phase, detail.status),
            "can_delete": bool(viewer and viewer.id == detail.author.id) and detail.status == "draft",
            "can_support": phases.can_support(detail.cycle.phase) and detail.status in service.OPEN_STATUSES,
            "support_refusal": support_refusal_message(refusal) if viewer and (
                refusal := await service.support_refusal(proposal_id, viewer.id)) else None,
            "can_review": bool(viewer and viewer.is_council) and phases.can_review(detail.cycle.phase)
            and detail.status in service.REVIEWABLE_STATUSES,
        })

    @get("/{proposal_id:int}/edit", name="proposals.edit_form", guards=[requires_signed_in])
    async def edit_form(self, request: Request[Any, Any, Any], proposal_id: FromPath[int]) -> Template:
        detail = await self._visible(request, proposal_id)
        if not detail.is_editor(request.user.id):
            raise PermissionDeniedException()
        errors: forms.Errors = {}
        if not phases.can_edit(detail.cycle.phase):
            errors["form"] = phase_closed_message(detail.cycle.phase)
        return await self._form_page(request, proposal_form(detail), errors, detail)

    @post("/{proposal_id:int}/edit", name="proposals.edit", guards=[requires_not_blocked, requires_confirmed])
    async def edit(self, request: Request[Any, Any, Any], proposal_id: FromPath[int]) -> Template | Redirect:
        detail = await self._visible(request, proposal_id)
        if not detail.is_editor(request.user.id):
            raise PermissionDeniedException()
        form = await forms.read_form(request)
        if detail.author.id != request.user.id:  # only the author changes co-authors
            form["co_authors"] = ", ".join(p.email for p in detail.co_authors)
        submit = form.get("action") == "submit"
        data, errors = parse_proposal(form, draft=detail.status == "draft" and not submit)
        if data is not None and not errors:
            try:
                await service.update_proposal(proposal_id, request.user.id, data, submit=submit)
            except service.UnknownCoAuthors as exc:
                errors["co_authors"] = _("No account uses these emails: %(emails)s. Co-authors need an account "
                                         "first.", emails=", ".join(exc.emails))
            except service.PhaseClosed as exc:
                errors["form"] = phase_closed_message(exc.phase)
            except service.InvalidState as exc:
                errors["form"] = (_("A submitted proposal needs every field filled in.") if str(exc) == "incomplete"
                                  else _("This proposal can no longer be edited."))
            else:
                flash(request, _("Your proposal was submitted.") if submit and detail.status == "draft"
                      else _("Your changes were saved. Everyone can see what changed."), "success")
                return see_other(f"/proposals/{proposal_id}")
        return await self._form_page(request, form, errors, detail, status=400)

    @post("/{proposal_id:int}/withdraw", name="proposals.withdraw", guards=[requires_not_blocked])
    async def withdraw(self, request: Request[Any, Any, Any], proposal_id: FromPath[int]) -> Redirect:
        await self._visible(request, proposal_id)
        try:
            await service.withdraw_proposal(proposal_id, request.user.id)
        except service.NotAllowed as exc:
            raise PermissionDeniedException() from exc
        except service.InvalidState:
            flash(request, _("This proposal can no longer be withdrawn."), "error")
        else:
            flash(request, _("Your proposal was withdrawn. It stays visible, marked withdrawn."), "success")
        return see_other(f"/proposals/{proposal_id}")

    @post("/{proposal_id:int}/delete", name="proposals.delete_draft", guards=[requires_not_blocked])
    async def delete_draft(self, request: Request[Any, Any, Any], proposal_id: FromPath[int]) -> Redirect:
        await self._visible(request, proposal_id)
        try:
            await service.delete_draft(proposal_id, request.user.id)
        except service.NotAllowed as exc:
            raise PermissionDeniedException() from exc
        except service.InvalidState:
            flash(request, _("Only a draft can be deleted; a submitted proposal can be withdrawn."), "error")
            return see_other(f"/proposals/{proposal_id}")
        flash(request, _("Draft deleted."), "success")
        return see_other("/proposals")

    @get("/{proposal_id:int}/revisions", name="proposals.revisions")
    async def revisions(self, request: Request[Any, Any, Any], proposal_id: FromPath[int]) -> Template:
        detail = await self._visible(request, proposal_id)
        if not detail.readable:  # every revision is the hidden text
            raise NotFoundException()
        return Template("proposals/revisions.html", context={
            "p": detail, "revisions": await service.revisions(proposal_id), "labels": labels()})

    # ---- support and follow ------------------------------------------------------------------

    async def _support_response(self, request: Request[Any, Any, Any], proposal_id: int, withdraw: bool
                                ) -> Template | Redirect:
        await self._visible(request, proposal_id)
        try:
            state = await (service.withdraw_support if withdraw else service.support)(proposal_id, request.user.id)
            message = None
        except service.PhaseClosed as exc:
            state, message = await service.support_state(proposal_id, request.user.id), phase_closed_message(exc.phase)
        except service.InvalidState:
            state = await service.support_state(proposal_id, request.user.id)
            message = _("This proposal can no longer be supported.")
        except service.NotSupportable as exc:
            state, message = await service.support_state(proposal_id, request.user.id), support_refusal_message(
                exc.refusal)
        except service.NotFound as exc:  # a draft, seen by its own author
            raise NotFoundException() from exc
        if is_htmx(request):
            return Template("proposals/_support.html", context={
                "support": state, "can_support": message is None, "message": message, "p_id": proposal_id,
                "support_refusal": None})
        if message:
            flash(request, message, "error")
        elif state.changed:
            flash(request, _("Thank you for your support.") if not withdraw else _("Your support was withdrawn."),
                  "success")
        return see_other(f"/proposals/{proposal_id}#support")

    @post("/{proposal_id:int}/support", name="proposals.support", guards=[requires_not_blocked, requires_confirmed])
    async def support(self, request: Request[Any, Any, Any], proposal_id: FromPath[int]) -> Template | Redirect:
        return await self._support_response(request, proposal_id, withdraw=False)

    @post("/{proposal_id:int}/unsupport", name="proposals.unsupport", guards=[requires_not_blocked])
    async def unsupport(self, request: Request[Any, Any, Any], proposal_id: FromPath[int]) -> Template | Redirect:
        return await self._support_response(request, proposal_id, withdraw=True)

    async def _follow_response(self, request: Request[Any, Any, Any], proposal_id: int, on: bool
                               ) -> Template | Redirect:
        await self._visible(request, proposal_id)
        try:
            await (service.follow if on else service.unfollow)(proposal_id, request.user.id)
        except service.NotFound as exc:
            raise NotFoundException() from exc
        if is_htmx(request):
            return Template("proposals/_follow.html", context={"following": on, "p_id": proposal_id})
        flash(request, _("You will be notified when this proposal's status changes.") if on
              else _("You no longer follow this proposal."), "success")
        return see_other(f"/proposals/{proposal_id}#follow")

    @post("/{proposal_id:int}/follow", name="proposals.follow", guards=[requires_signed_in])
    async def follow(self, request: Request[Any, Any, Any], proposal_id: FromPath[int]) -> Template | Redirect:
        return await self._follow_response(request, proposal_id, on=True)

    @post("/{proposal_id:int}/unfollow", name="proposals.unfollow", guards=[requires_signed_in])
    async def unfollow(self, request: Request[Any, Any, Any], proposal_id: FromPath[int]) -> Template | Redirect:
        return await self._follow_response(request, proposal_id, on=False)
