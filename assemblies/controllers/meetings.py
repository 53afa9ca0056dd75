"""Meeting pages: upcoming and past meetings by neighborhood, a meeting with its agenda and minutes,
registration and following, calendars and Open Civic Data, and the page where council staff or the
body's co-chairs schedule a meeting, edit its agenda, cancel it and publish its minutes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import msgspec
from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from assemblies import calendars, rules, service
from assemblies.controllers._shared import (
    link_kinds,
    link_options,
    neighborhood_ids,
    options,
    run,
)
from assemblies.schemas import (
    COMMITMENT_STATUS_LABELS,
    MEETING_KIND_LABELS,
    MEETING_STATUS_LABELS,
    MODE_LABELS,
    MeetingView,
    parse_agenda_item,
    parse_link,
    parse_meeting,
    parse_minutes,
)
from server import clock, forms, links
from server.guards import requires_not_blocked, requires_signed_in
from server.i18n import gettext as _
from server.neighborhoods.service import active_neighborhoods, get_neighborhood
from server.web import int_or_none, is_htmx, see_other


def _labels() -> dict[str, Any]:
    return {"kind_labels": MEETING_KIND_LABELS, "mode_labels": MODE_LABELS, "status_labels": MEETING_STATUS_LABELS,
            "commitment_labels": COMMITMENT_STATUS_LABELS}


def _zone() -> ZoneInfo:
    return clock.check_zone(clock.zone_name())


def _base(request: Request[Any, Any, Any]) -> str:
    return str(request.base_url).rstrip("/")


def _meeting_form(meeting: MeetingView) -> dict[str, str]:
    return {
        "title": meeting.title, "kind": meeting.kind, "description": meeting.description,
        "neighborhood_ids": ",".join(str(a.id) for a in meeting.neighborhoods),
        "starts_at": clock.local_input_value(meeting.starts_at),
        "ends_at": clock.local_input_value(meeting.ends_at), "mode": meeting.mode, "address": meeting.address,
        "accessibility": meeting.accessibility, "online_url": meeting.online_url, "languages": meeting.languages,
        "interpretation": meeting.interpretation, "childcare": "on" if meeting.childcare else "",
        "registration": "on" if meeting.registration else "",
        "capacity": str(meeting.capacity) if meeting.capacity is not None else "",
    }


async def _read_meeting_form(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The meeting form, with its checked neighborhoods joined by commas (parse_meeting reads them so)."""
    lists = await forms.read_form_lists(request)
    form = {key: values[-1] for key, values in lists.items() if values}
    form["neighborhood_ids"] = ",".join(lists.get("neighborhood_ids", []))
    return form


def _minutes_form(meeting: MeetingView) -> dict[str, str]:
    return {"attendance": "" if meeting.attendance is None else str(meeting.attendance), "summary": meeting.summary,
            "decisions": meeting.decisions, "recommendations": meeting.recommendations,
            "recording_url": meeting.recording_url}


class MeetingsController(Controller):
    path = "/meetings"
    include_in_schema = False

    @get("/", name="meetings.list")
    async def list_meetings(self, request: Request[Any, Any, Any], neighborhood: FromQuery[str | None] = None,
                            when: FromQuery[str | None] = None) -> Template:
        hood_id = int_or_none(neighborhood)
        hood = await get_neighborhood(hood_id) if hood_id else None
        when = "past" if when == "past" else "upcoming"
        meetings = await service.list_meetings(when=when, neighborhood_id=hood.id if hood else None)
        return Template("assemblies/meetings.html", context={
            **_labels(), "meetings": meetings, "when": when, "hood": hood,
            "neighborhoods": await active_neighborhoods(),
            "runs": await service.bodies_run_by(request.user),
        })

    @get("/calendar.ics", name="meetings.calendar", cache=False)
    async def calendar(self, request: Request[Any, Any, Any],
                       neighborhood: FromQuery[str | None] = None) -> Response[bytes]:
        hood_id = int_or_none(neighborhood)
        hood = await get_neighborhood(hood_id) if hood_id else None
        if hood_id and hood is None:
            raise NotFoundException()
        # A year back is enough for calendars to keep recent meetings; older ones only weigh the feed.
        since = clock.now() - dt.timedelta(days=365)
        meetings = await service.meetings_for_calendar(neighborhood_id=hood.id if hood else None, since=since)
        name = _("Townsquare meetings: %(name)s", name=hood.name) if hood else _("Townsquare meetings")
        return _ics(request, meetings, name, "meetings.ics")

    @get("/{meeting_id:int}", name="meetings.detail")
    async def detail(self, request: Request[Any, Any, Any], meeting_id: FromPath[int]) -> Template:
        detail = await service.meeting_detail(meeting_id, request.user)
        if detail is None:
            raise NotFoundException()
        pairs = [(i.link_kind, i.link_id) for i in detail.agenda if i.link_kind and i.link_id]
        return Template("assemblies/meeting.html", context={
            **_labels(), "detail": detail, "m": detail.meeting,
            "links": await links.resolve(pairs, request.user),  # type: ignore[arg-type]
            "upcoming": detail.meeting.ends_at >= clock.now(),
        })

    @get("/{meeting_id:int}/calendar.ics", name="meetings.ics", cache=False)
    async def ics(self, request: Request[Any, Any, Any], meeting_id: FromPath[int]) -> Response[bytes]:
        meetings = await service.meetings_for_calendar(meeting_id=meeting_id)
        if not meetings:
            raise NotFoundException()
        return _ics(request, meetings, meetings[0].title, f"meeting-{meeting_id}.ics")

    @get("/{meeting_id:int}/ocd.json", name="meetings.ocd", cache=False)
    async def ocd(self, request: Request[Any, Any, Any], meeting_id: FromPath[int]) -> Response[bytes]:
        meeting = await service.get_meeting(meeting_id)
        if meeting is None:
            raise NotFoundException()
        agenda = await service.agenda_of(meeting_id)
        resolved = await links.resolve([(i.link_kind, i.link_id) for i in agenda if i.link_kind and i.link_id])
        members = [(m.person_name, m.role) for m in await service.members_of(meeting.body_id) if m.current] \
            if meeting.body_id else []
        document = calendars.ocd_event(meeting, agenda, base_url=_base(request), zone=_zone(), links=resolved,
                                       now=clock.now(), members=members)
        return Response(msgspec.json.encode(document), media_type="application/json")

    @post("/{meeting_id:int}/follow", name="meetings.follow", guards=[requires_signed_in])
    async def follow(self, request: Request[Any, Any, Any], meeting_id: FromPath[int]) -> Redirect | Template:
        form = await forms.read_form(request)
        stop = form.get("follow") == "0"
        await run(lambda: (service.unfollow if stop else service.follow)(service.MEETING, meeting_id, request.user.id))
        if is_htmx(request):
            detail = await service.meeting_detail(meeting_id, request.user)
            return HTMXBlockTemplate(template_name="assemblies/meeting.html", block_name="follow_box",
                                     context={**_labels(), "detail": detail, "m": detail.meeting if detail else None})
        flash(request, _("You no longer follow this meeting.") if stop
              else _("You will be notified of changes and when the minutes are published."), "success")
        return see_other(f"/meetings/{meeting_id}")

    # Attending is not publishing: a blocked account may still register.
    @post("/{meeting_id:int}/register", name="meetings.register", guards=[requires_signed_in])
    async def register(self, request: Request[Any, Any, Any], meeting_id: FromPath[int]) -> Redirect:
        form = await forms.read_form(request)
        leave = form.get("register") == "0"
        try:
            if leave:
                await run(lambda: service.unregister(meeting_id, request.user.id))
            else:
                await run(lambda: service.register(meeting_id, request.user.id))
        except service.Refused as exc:
            flash(request, exc.errors["form"], "error")
            return see_other(f"/meetings/{meeting_id}")
        flash(request, _("Your registration is cancelled.") if leave else _("You are registered for this meeting."),
              "success")
        return see_other(f"/meetings/{meeting_id}")

    # ---------------------------------------------------------------- scheduling and running

    async def _new_page(self, request: Request[Any, Any, Any], body_id: int | None, form: dict[str, str],
                        errors: dict[str, str], status: int = 200) -> Template:
        bodies = await service.bodies_run_by(request.user)
        body = next((b for b in bodies if b.id == body_id), None)
        if body_id is not None and body is None:
            raise PermissionDeniedException()
        if body_id is None and not request.user.is_council:
            raise PermissionDeniedException()
        return Template("assemblies/meeting_new.html", status_code=status, context={
            **_labels(), "body": body, "form": form, "errors": errors,
            "kind_options": options(MEETING_KIND_LABELS), "mode_options": options(MODE_LABELS),
            "neighborhood_choices": await active_neighborhoods(),
        })

    @get("/new", name="meetings.new", guards=[requires_signed_in])
    async def new(self, request: Request[Any, Any, Any], board: FromQuery[str | None] = None) -> Template:
        body_id = int_or_none(board)
        kind = "board_meeting" if body_id else "assembly"
        return await self._new_page(request, body_id, {"kind": kind, "mode": "in_person"}, {})

    @post("/new", name="meetings.create", guards=[requires_not_blocked])
    async def create(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await _read_meeting_form(request)
        body_id = int_or_none(form.get("body_id"))
        data, errors = parse_meeting(form, await neighborhood_ids())
        if data is None:
            return await self._new_page(request, body_id, form, errors, status=400)
        meeting_id = await run(lambda: service.create_meeting(request.user, body_id, data))
        flash(request, _("Meeting scheduled. Add its agenda below."), "success")
        return see_other(f"/meetings/{meeting_id}/manage")

    async def _manage_page(self, request: Request[Any, Any, Any], meeting_id: int, *, which: str = "",
                           form: dict[str, str] | None = None, errors: dict[str, str] | None = None,
                           status: int = 200) -> Template:
        meeting = await run(lambda: service.meeting_to_manage(meeting_id, request.user))
        agenda = await service.agenda_of(meeting_id)
        resolved = await links.resolve([(i.link_kind, i.link_id) for i in agenda if i.link_kind and i.link_id])
        forms_ = {"meeting": _meeting_form(meeting), "agenda": {}, "cancel": {}, "minutes": _minutes_form(meeting)}
        errs: dict[str, dict[str, str]] = {k: {} for k in forms_}
        if which:
            forms_[which] = form or {}
            errs[which] = errors or {}
        return Template("assemblies/meeting_manage.html", status_code=status, context={
            **_labels(), "m": meeting, "agenda": agenda, "links": resolved, "forms": forms_, "errors": errs,
            "kind_options": options(MEETING_KIND_LABELS), "mode_options": options(MODE_LABELS),
            "neighborhood_choices": await active_neighborhoods(), "link_options": link_options(),
            "parent_options": [("", _("Top level"))] + [(str(i.id), f"{i.number}. {i.title}") for i in agenda],
            "may_minutes": not rules.check_minutes(meeting.status, meeting.starts_at, clock.now()),
            "commitments": await service.list_commitments(source=(service.MEETING, meeting_id)),
            "registered": await service.registrations(meeting_id, request.user) if meeting.registration else [],
        })

    async def _manage_step(self, request: Request[Any, Any, Any], meeting_id: int, which: str, form: dict[str, str],
                           errors: forms.Errors, call: Callable[[], Awaitable[Any]], done: str,
                           to: str) -> Template | Redirect:
        """One form of the manage page, once parsed: when it is valid, `call` the service; a refusal or
        a parse error shows the page again with the errors next to `which` form's fields and what was
        typed kept (status 400), otherwise `done` is flashed and the browser goes `to`."""
        if not errors:
            try:
                await run(call)
            except service.Refused as exc:
                errors = exc.errors
        if errors:
            return await self._manage_page(request, meeting_id, which=which, form=form, errors=errors, status=400)
        flash(request, done, "success")
        return see_other(to)

    @get("/{meeting_id:int}/manage", name="meetings.manage", guards=[requires_signed_in])
    async def manage(self, request: Request[Any, Any, Any], meeting_id: FromPath[int]) -> Template:
        return await self._manage_page(request, meeting_id)

    @post("/{meeting_id:int}/manage", name="meetings.update", guards=[requires_not_blocked])
    async def update(self, request: Request[Any, Any, Any], meeting_id: FromPath[int]) -> Template | Redirect:
        form = await _read_meeting_form(request)
        data, errors = parse_meeting(form, await neighborhood_ids())
        return await self._manage_step(request, meeting_id, "meeting", form, errors,
                                       lambda: service.update_meeting(meeting_id, request.user, data),  # type: ignore[arg-type]
                                       _("Meeting saved."), f"/meetings/{meeting_id}/manage")

    @post("/{meeting_id:int}/cancel", name="meetings.cancel", guards=[requires_not_blocked])
    async def cancel(self, request: Request[Any, Any, Any], meeting_id: FromPath[int]) -> Template | Redirect:
        form = await forms.read_form(request)
        errors: forms.Errors = {}
        reason = forms.text(form, "reason", errors, max_length=2000)
        return await self._manage_step(request, meeting_id, "cancel", form, errors,
                                       lambda: service.cancel_meeting(meeting_id, request.user, reason),
                                       _("Meeting cancelled. Everyone following it or registered has been told."),
                                       f"/meetings/{meeting_id}")

    @post("/{meeting_id:int}/agenda", name="meetings.agenda_add", guards=[requires_not_blocked])
    async def agenda_add(self, request: Request[Any, Any, Any], meeting_id: FromPath[int]) -> Template | Redirect:
        form = await forms.read_form(request)
        fields, errors = parse_agenda_item(form)
        link = parse_link(form, link_kinds(), errors)
        return await self._manage_step(request, meeting_id, "agenda", form, errors,
                                       lambda: service.add_agenda_item(meeting_id, request.user, link=link,
                                                                       **fields),  # type: ignore[arg-type]
                                       _("Agenda item added."), f"/meetings/{meeting_id}/manage#agenda")

    @post("/{meeting_id:int}/agenda/{item_id:int}/move", name="meetings.agenda_move", guards=[requires_not_blocked])
    async def agenda_move(self, request: Request[Any, Any, Any], meeting_id: FromPath[int],
                          item_id: FromPath[int]) -> Redirect:
        form = await forms.read_form(request)
        up = form.get("direction") != "down"
        await run(lambda: service.move_agenda_item(meeting_id, item_id, request.user, up=up))
        return see_other(f"/meetings/{meeting_id}/manage#agenda-item-{item_id}")

    @post("/{meeting_id:int}/agenda/{item_id:int}/remove", name="meetings.agenda_remove",
          guards=[requires_not_blocked])
    async def agenda_remove(self, request: Request[Any, Any, Any], meeting_id: FromPath[int],
                            item_id: FromPath[int]) -> Redirect:
        await run(lambda: service.remove_agenda_item(meeting_id, item_id, request.user))
        flash(request, _("Agenda item removed."), "success")
        return see_other(f"/meetings/{meeting_id}/manage#agenda")

    @post("/{meeting_id:int}/minutes", name="meetings.minutes", guards=[requires_not_blocked])
    async def minutes(self, request: Request[Any, Any, Any], meeting_id: FromPath[int]) -> Template | Redirect:
        form = await forms.read_form(request)
        data, errors = parse_minutes(form)
        return await self._manage_step(request, meeting_id, "minutes", form, errors,
                                       lambda: service.publish_minutes(meeting_id, request.user, data),  # type: ignore[arg-type]
                                       _("Minutes published. Followers of this meeting have been told."),
                                       f"/meetings/{meeting_id}#minutes")


def _ics(request: Request[Any, Any, Any], meetings: list[MeetingView], name: str, filename: str) -> Response[bytes]:
    host = urlparse(str(request.base_url)).hostname or "townsquare"
    body = calendars.ical_feed(meetings, name=name, base_url=_base(request), zone=_zone(), host=host,
                               stamp=clock.now())
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})
