"""Delivery pages: the public list and item pages, following, photos, the Atom feed, and the
council's pages for reporting progress. Every action is a plain form POST with a redirect; htmx
is not needed."""

from __future__ import annotations

from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from delivery import comments, rules, service
from delivery.schemas import (
    STATUS_LABELS,
    PhotoUpload,
    parse_date,
    parse_milestone,
    parse_progress,
    status_label,
)
from proposals.threads import service as threads
from server import charts, clock, forms, i18n, photos
from server.feeds import collect_entries, render_atom
from server.guards import requires_council, requires_signed_in
from server.i18n import gettext as _
from server.neighborhoods.service import active_neighborhoods
from server.web import is_htmx

# A 5 MB photo plus the text fields; larger bodies are refused by Litestar before reading.
MAX_REPORT_BODY = photos.MAX_PHOTO_BYTES + 512 * 1024


def _settings(request: Request[Any, Any, Any]) -> Any:
    return request.app.state.settings


def upload_dir(request: Request[Any, Any, Any]) -> photos.Storage:
    return photos.uploads(request)


def _money(request: Request[Any, Any, Any]) -> Any:
    currency = _settings(request).currency
    return lambda value: i18n.fmt_money(value, currency)


def _status_options() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, label in STATUS_LABELS.items()]


def _to_int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


class DeliveryController(Controller):
    path = "/delivery"
    include_in_schema = False

    @get("/", name="delivery.list")
    async def list_items(self, request: Request[Any, Any, Any], neighborhood: FromQuery[str | None] = None,
                         status: FromQuery[str | None] = None, order: FromQuery[str | None] = None,
                         cycle: FromQuery[str | None] = None) -> Template:
        hood_id = _to_int(neighborhood)
        cycle_id = _to_int(cycle)  # the dashboard links to one budget cycle's projects
        status = status if status in rules.STATUSES else None
        items = await service.list_items(neighborhood_id=hood_id, status=status, overdue_first=order == "overdue",
                                         cycle_id=cycle_id)
        by_hood: dict[str, int] = {}
        for item in items:
            by_hood[item.neighborhood_name] = by_hood.get(item.neighborhood_name, 0) + item.allocated
        money_chart = charts.by_neighborhood_chart(
            chart_id="delivery-money",
            title=_("Money being delivered, by neighborhood"),
            desc=_("Total allocated to the projects listed here, per neighborhood."),
            rows=sorted(by_hood.items()),
            headers=(_("Neighborhood"), _("Allocated")),
            data_label=_("Show the numbers as a table"),
            fmt=_money(request),
            rtl=i18n.text_direction() == "rtl",
        ) if by_hood else None
        return Template("delivery/list.html", context={
            "items": items, "neighborhoods": await active_neighborhoods(), "status_options": _status_options(),
            "filters": {"neighborhood": hood_id, "status": status or "", "order": order or "", "cycle": cycle_id},
            "status_label": status_label, "money_chart": money_chart,
        })

    @get("/{item_id:int}", name="delivery.item")
    async def item(self, request: Request[Any, Any, Any], item_id: FromPath[int]) -> Template:
        viewer = request.user
        detail = await service.get_item(item_id, viewer.id if viewer else None)
        if detail is None:
            raise NotFoundException()
        item = detail.item
        money_chart = charts.progress_chart(
            chart_id=f"money-{item.id}",
            title=_("Money spent against money allocated"),
            desc=_("%(spent)s spent of %(allocated)s allocated.", spent=_money(request)(item.spent),
                   allocated=_money(request)(item.allocated)),
            items=[(item.title, item.spent, item.allocated)],
            headers=(_("Project"), _("Spent"), _("Allocated")),
            data_label=_("Show the numbers as a table"),
            fmt=_money(request),
            rtl=i18n.text_direction() == "rtl",
        )
        update_threads = await threads.load_threads(comments.KIND, [u.id for u in detail.updates], request.user,
                                                    first_page=5)
        return Template("delivery/item.html", context={
            "detail": detail, "item": item, "status_label": status_label, "money_chart": money_chart,
            "update_threads": update_threads,
        })

    @post("/{item_id:int}/follow", name="delivery.follow", guards=[requires_signed_in])
    async def follow(self, request: Request[Any, Any, Any], item_id: FromPath[int]) -> Redirect | Template:
        form = await forms.read_form(request)
        stop = form.get("follow") == "0"
        try:
            if stop:
                await service.unfollow(item_id, request.user.id)
            else:
                await service.follow(item_id, request.user.id)
        except service.NotFound as exc:
            raise NotFoundException() from exc
        if is_htmx(request):
            # htmx swaps just the follow box; the button's new label says what happened.
            detail = await service.get_item(item_id, request.user.id)
            return HTMXBlockTemplate(template_name="delivery/item.html", block_name="follow_box",
                                     context={"detail": detail, "item": detail.item if detail else None})
        flash(request, _("You no longer follow this project.") if stop
              else _("You will be notified of updates on this project."), "success")
        return Redirect(f"/delivery/{item_id}", status_code=HTTP_303_SEE_OTHER)

    @get("/photos/{name:str}", name="delivery.photo")
    async def photo(self, request: Request[Any, Any, Any], name: FromPath[str]) -> Response[Any]:
        return await photos.serve_photo(upload_dir(request), name, public=True)


class DeliveryFeedController(Controller):
    path = "/feeds"
    include_in_schema = False

    @get("/delivery.atom", name="delivery.feed", cache=False)
    async def feed(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        base = str(request.base_url).rstrip("/")
        body = render_atom(
            feed_id=f"{base}/feeds/delivery.atom",
            title=_("Townsquare: delivery of funded projects"),
            base_url=base,
            self_path="/feeds/delivery.atom",
            alternate_path="/delivery",
            entries=await collect_entries("delivery", 50, _settings(request).currency),
        )
        return Response(body, media_type="application/atom+xml; charset=utf-8")


class CouncilDeliveryController(Controller):
    path = "/council/delivery"
    guards = [requires_council]
    include_in_schema = False

    @get("/", name="delivery.council")
    async def overview(self) -> Template:
        return Template("delivery/council.html", context={
            "overdue": await service.overdue_summary(), "items": await service.list_items(overdue_first=True),
            "status_label": status_label,
        })

    async def _manage(self, item_id: int, errors: dict[str, str] | None = None, form: dict[str, str] | None = None,
                      milestone_errors: dict[str, str] | None = None, milestone_form: dict[str, str] | None = None,
                      status: int = 200) -> Template:
        detail = await service.get_item(item_id)
        if detail is None:
            raise NotFoundException()
        item = detail.item
        current = {"status": item.status, "percent_complete": str(item.percent_complete), "spent": str(item.spent)}
        return Template("delivery/manage.html", status_code=status, context={
            "detail": detail, "item": item, "status_label": status_label,
            "status_options": [(s, status_label(s)) for s in rules.allowed_next(item.status)],
            "errors": errors or {}, "form": form or current,
            "milestone_errors": milestone_errors or {}, "milestone_form": milestone_form or {},
            "today": clock.today().isoformat(),
        })

    @get("/{item_id:int}", name="delivery.manage")
    async def manage(self, item_id: FromPath[int]) -> Template:
        return await self._manage(item_id)

    @post("/{item_id:int}/progress", name="delivery.progress", request_max_body_size=MAX_REPORT_BODY)
    async def progress(self, request: Request[Any, Any, Any], item_id: FromPath[int]) -> Template | Redirect:
        raw = await request.form()
        form = {k: v for k, v in raw.items() if isinstance(v, str) and k != "_csrf_token"}
        upload = raw.get("photo")
        photo: PhotoUpload | None = None
        held_name = form.pop("held_photo_name", "")
        if isinstance(upload, UploadFile) and upload.filename:
            photo = PhotoUpload(await upload.read(), form.get("photo_alt", ""))
            held_name = upload.filename
            form.pop("held_photo", None)
        elif held := photos.take_held_photo(upload_dir(request), form.pop("held_photo", "")):
            photo = PhotoUpload(held, form.get("photo_alt", ""))
        report, errors = parse_progress(form)
        if report is not None:
            viewer = request.user
            try:
                update_id = await service.report_progress(
                    item_id, actor_id=viewer.id, actor_name=viewer.display_name, actor_role=viewer.role,
                    report=report, photo=photo, upload_dir=upload_dir(request))
            except service.Refused as exc:
                errors = exc.errors
            except service.NotAllowed as exc:
                raise PermissionDeniedException() from exc
            except service.NotFound as exc:
                raise NotFoundException() from exc
        if errors:
            if photo is not None and "photo" not in errors:
                # Browsers cannot refill a file input: the photo waits on the server for the next try.
                form["held_photo"] = photos.hold_photo(upload_dir(request), photo.data)
                form["held_photo_name"] = held_name[:120]
            return await self._manage(item_id, errors, form, status=400)
        flash(request, _("Update published.") if update_id else _("Progress saved."), "success")
        return Redirect(f"/council/delivery/{item_id}", status_code=HTTP_303_SEE_OTHER)

    @post("/{item_id:int}/milestones", name="delivery.milestone_add")
    async def add_milestone(self, request: Request[Any, Any, Any], item_id: FromPath[int]) -> Template | Redirect:
        form = await forms.read_form(request)
        parsed, errors = parse_milestone(form)
        if parsed is None:
            return await self._manage(item_id, milestone_errors=errors, milestone_form=form, status=400)
        try:
            await service.add_milestone(item_id, actor_role=request.user.role, name=parsed[0], planned_date=parsed[1])
        except service.NotFound as exc:
            raise NotFoundException() from exc
        flash(request, _("Milestone added."), "success")
        return Redirect(f"/council/delivery/{item_id}", status_code=HTTP_303_SEE_OTHER)

    @post("/{item_id:int}/milestones/{milestone_id:int}/done", name="delivery.milestone_done")
    async def milestone_done(self, request: Request[Any, Any, Any], item_id: FromPath[int],
                             milestone_id: FromPath[int]) -> Template | Redirect:
        form = await forms.read_form(request)
        errors: forms.Errors = {}
        reopen = form.get("reopen") == "1"
        actual = None if reopen else parse_date(form, "actual_date", errors)
        if errors:
            errors = {f"actual_date_{milestone_id}": errors["actual_date"]}
            return await self._manage(item_id, milestone_errors=errors, status=400)
        try:
            await service.complete_milestone(item_id, milestone_id, actor_role=request.user.role, actual_date=actual)
        except service.NotFound as exc:
            raise NotFoundException() from exc
        flash(request, _("Milestone reopened.") if reopen else _("Milestone marked as done."), "success")
        return Redirect(f"/council/delivery/{item_id}", status_code=HTTP_303_SEE_OTHER)
