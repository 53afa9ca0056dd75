"""Meetings with agendas and minutes, advisory boards and their members, and the commitment register:
use cases and who may do what. Plain values in, structs out; no Litestar imports.

Who may act: council staff manage bodies and commitments and run every meeting; a body's current chair
or co-chair (with an account) schedules that body's meetings, edits their agendas and publishes their
minutes. Everything here is public to read: meetings, bodies, members and commitments exist to be seen."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from assemblies import rules
from assemblies.schemas import (
    COMMITMENT_STATUS_LABELS,
    AgendaView,
    Area,
    BodyDetail,
    BodyInput,
    BodyRef,
    BodyView,
    CommitmentCounts,
    CommitmentDetail,
    CommitmentInput,
    CommitmentPage,
    CommitmentSummary,
    EventView,
    MeetingBrief,
    MeetingDetail,
    MeetingInput,
    MeetingSummary,
    MeetingView,
    MemberInput,
    MemberView,
    MinutesInput,
    label,
    rule_message,
)
from assemblies.tables import (
    AgendaItem,
    Body,
    Commitment,
    CommitmentEvent,
    Follow,
    Meeting,
    MeetingNeighborhood,
    Membership,
    Registration,
)
from server import clock, links
from server.accounts.tables import Account
from server.database import is_unique_violation, write_transaction
from server.feeds import FeedEntry
from server.i18n import fmt_date
from server.i18n import gettext as _
from server.markdown import plain_text
from server.notifications.kinds import N_
from server.notifications.service import notify
from server.prepared import Prepared

# Declared in assemblies/domain.py.
NOTIFICATION_KINDS = {
    "meeting_minutes": N_("Minutes of “%(subject)s” were published"),
    "meeting_changed": N_("%(actor)s changed the time or place of “%(subject)s”"),
    "meeting_cancelled": N_("%(actor)s cancelled “%(subject)s”"),
    "commitment_new": N_("%(actor)s made a public commitment: “%(subject)s”"),
    "commitment_revised": N_("%(actor)s moved the date of the commitment “%(subject)s”"),
    "commitment_status": N_("%(actor)s changed the status of the commitment “%(subject)s”"),
    "commitment_update": N_("%(actor)s posted progress on the commitment “%(subject)s”"),
    "commitment_overdue": N_("The commitment “%(subject)s” is past its date"),
}

MEETING, BODY, COMMITMENT = "meeting", "body", "commitment"
# The link kind of a body (assemblies/links.py): a commitment from a board names it as its source.
BOARD_LINK = "board"
FOLLOW_KINDS = (MEETING, BODY, COMMITMENT)


class NotAllowed(Exception):
    pass


class NotFound(Exception):
    pass


class Refused(Exception):
    """The request breaks a rule; `errors` maps form fields to messages in the reader's language."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _require_council(viewer: Any) -> None:
    if viewer is None or viewer.role != "council":
        raise NotAllowed()


# ---------------------------------------------------------------- bodies and memberships

_BODY_COLUMNS = (Body.id, Body.name, Body.kind, Body.purpose, Body.neighborhood.id.as_alias("neighborhood_id"),
                 Body.neighborhood.name.as_alias("neighborhood_name"), Body.start_date, Body.end_date)


async def list_bodies() -> list[BodyView]:
    rows = await Body.select(*_BODY_COLUMNS).order_by(Body.name)
    return [BodyView(**r) for r in rows]


async def get_body(body_id: int) -> BodyView | None:
    row = await Body.select(*_BODY_COLUMNS).where(Body.id == body_id).first()
    return BodyView(**row) if row else None


async def members_of(body_id: int, today: dt.date | None = None) -> list[MemberView]:
    today = today or clock.today()
    rows = await Membership.select(
        Membership.id, Membership.account.id.as_alias("account_id"), Membership.person_name, Membership.role,
        Membership.label, Membership.start_date, Membership.end_date,
    ).where(Membership.body == body_id).order_by(Membership.start_date).order_by(Membership.id)
    members = [MemberView(**r, current=rules.is_current(r["start_date"], r["end_date"], today)) for r in rows]
    order = {role: n for n, role in enumerate(rules.MEMBER_ROLES)}
    return sorted(members, key=lambda m: (not m.current, order.get(m.role, 99), m.person_name.lower()))


async def may_run_body(body_id: int | None, viewer: Any, today: dt.date | None = None) -> bool:
    """Council staff, or a current chair or co-chair of the body (with an account)."""
    if viewer is None:
        return False
    if viewer.role == "council":
        return True
    if body_id is None or getattr(viewer, "blocked", False):
        return False
    return rules.runs_meetings(await members_of(body_id, today), viewer.id, today or clock.today())


async def bodies_run_by(viewer: Any) -> list[BodyRef]:
    """The bodies whose meetings this person may schedule."""
    if viewer is None:
        return []
    if viewer.role == "council":
        return [BodyRef(b.id, b.name) for b in await list_bodies()]
    today = clock.today()
    rows = await Membership.select(Membership.body.id.as_alias("id"), Membership.body.name.as_alias("name"),
                                   Membership.role, Membership.start_date, Membership.end_date).where(
        Membership.account == viewer.id)
    found = {r["id"]: r["name"] for r in rows if r["role"] in rules.RUNS_MEETINGS
             and rules.is_current(r["start_date"], r["end_date"], today) and not viewer.blocked}
    return [BodyRef(i, n) for i, n in sorted(found.items(), key=lambda x: x[1].lower())]


async def body_detail(body_id: int, viewer: Any = None) -> BodyDetail | None:
    body = await get_body(body_id)
    if body is None:
        return None
    return BodyDetail(
        body=body, members=await members_of(body_id),
        meetings=await list_meetings(body_id=body_id, when="all"),
        commitments=await list_commitments(source=(BOARD_LINK, body_id)),
        may_run_meetings=await may_run_body(body_id, viewer),
    )


async def create_body(viewer: Any, data: BodyInput) -> int:
    _require_council(viewer)
    rows = await Body.insert(Body(name=data.name, kind=data.kind, purpose=data.purpose,
                                  neighborhood=data.neighborhood_id, start_date=data.start_date,
                                  end_date=data.end_date)).returning(Body.id)
    return rows[0]["id"]


async def update_body(body_id: int, viewer: Any, data: BodyInput) -> None:
    _require_council(viewer)
    if await get_body(body_id) is None:
        raise NotFound()
    await Body.update({Body.name: data.name, Body.kind: data.kind, Body.purpose: data.purpose,
                       Body.neighborhood: data.neighborhood_id, Body.start_date: data.start_date,
                       Body.end_date: data.end_date}).where(Body.id == body_id)


async def add_member(body_id: int, viewer: Any, data: MemberInput) -> int:
    """A person joins a body: an account (found by its email, named as it is named there unless a name
    is given) or a named person without one."""
    _require_council(viewer)
    if await get_body(body_id) is None:
        raise NotFound()
    account_id: int | None = None
    name = data.person_name
    if data.account_email:
        account = await Account.select(Account.id, Account.display_name).where(
            Account.email == data.account_email).first()
        if account is None:
            raise Refused({"account_email": _("No account has this email. Leave it empty to add the person by "
                                              "name only.")})
        account_id, name = account["id"], name or account["display_name"]
    rows = await Membership.insert(Membership(
        body=body_id, account=account_id, person_name=name, role=data.role, label=data.label,
        start_date=data.start_date, end_date=data.end_date)).returning(Membership.id)
    return rows[0]["id"]


async def end_membership(body_id: int, member_id: int, viewer: Any, end: dt.date) -> None:
    """End a term (kept, with its dates, as the body's history)."""
    _require_council(viewer)
    row = await Membership.select(Membership.start_date).where(
        Membership.id == member_id, Membership.body == body_id).first()
    if row is None:
        raise NotFound()
    if end < row["start_date"]:
        raise Refused({"end_date": _("The end must be after the start.")})
    await Membership.update({Membership.end_date: end}).where(Membership.id == member_id)


# ---------------------------------------------------------------- meetings

_MEETING_SUMMARY = (
    Meeting.id, Meeting.title, Meeting.kind, Meeting.body.id.as_alias("body_id"),
    Meeting.body.name.as_alias("body_name"), Meeting.starts_at, Meeting.ends_at, Meeting.mode, Meeting.address,
    Meeting.status, Meeting.minutes_published_at, Meeting.languages, Meeting.interpretation, Meeting.childcare,
)


def _summary(row: dict[str, Any], areas: dict[int, list[Area]]) -> MeetingSummary:
    row = dict(row)
    published = row.pop("minutes_published_at")
    return MeetingSummary(**{**row, "starts_at": _utc(row["starts_at"]), "ends_at": _utc(row["ends_at"])},
                          neighborhoods=areas.get(row["id"], []), has_minutes=published is not None)


async def _areas(meeting_ids: list[int]) -> dict[int, list[Area]]:
    """The neighborhoods of each meeting, by name."""
    if not meeting_ids:
        return {}
    rows = await MeetingNeighborhood.select(
        MeetingNeighborhood.meeting, MeetingNeighborhood.neighborhood.id.as_alias("id"),
        MeetingNeighborhood.neighborhood.name.as_alias("name"),
    ).where(MeetingNeighborhood.meeting.is_in(meeting_ids))
    found: dict[int, list[Area]] = {}
    for r in sorted(rows, key=lambda r: r["name"].lower()):
        found.setdefault(r["meeting"], []).append(Area(r["id"], r["name"]))
    return found


def _in_neighborhood(neighborhood_id: int) -> Any:
    """Meetings for this neighborhood and the city-wide ones (which are for every neighborhood)."""
    local = MeetingNeighborhood.select(MeetingNeighborhood.meeting).where(
        MeetingNeighborhood.neighborhood == neighborhood_id)
    return Meeting.id.is_in(local) | Meeting.id.not_in(MeetingNeighborhood.select(MeetingNeighborhood.meeting))


async def list_meetings(*, when: str = "upcoming", neighborhood_id: int | None = None, body_id: int | None = None,
                        now: dt.datetime | None = None, limit: int | None = None) -> list[MeetingSummary]:
    """Upcoming (not yet ended, soonest first) or past (most recent first) meetings; a neighborhood's
    list includes the city-wide meetings, which are for everyone."""
    now = now or clock.now()
    query = Meeting.select(*_MEETING_SUMMARY)
    if neighborhood_id is not None:
        query = query.where(_in_neighborhood(neighborhood_id))
    if body_id is not None:
        query = query.where(Meeting.body == body_id)
    if when == "upcoming":
        query = query.where(Meeting.ends_at >= now).order_by(Meeting.starts_at)
    elif when == "past":
        query = query.where(Meeting.ends_at < now).order_by(Meeting.starts_at, ascending=False)
    else:
        query = query.order_by(Meeting.starts_at, ascending=False)
    if limit:
        query = query.limit(limit)
    rows = await query.order_by(Meeting.id)
    areas = await _areas([r["id"] for r in rows])
    return [_summary(r, areas) for r in rows]


def _next_meetings(now: Any) -> Any:
    return Meeting.select(Meeting.id, Meeting.title, Meeting.starts_at, Meeting.status).where(
        Meeting.ends_at >= now).order_by(Meeting.starts_at).order_by(Meeting.id).limit(HOME_MEETINGS)


# The home page's few next meetings on every request: only what it shows (no areas query), SQL built
# once (server/prepared.py, issue 21). Same rows and order as list_meetings(limit=HOME_MEETINGS).
HOME_MEETINGS = 3
_NEXT_MEETINGS = Prepared(_next_meetings)
_NEXT_MEETINGS_IN = Prepared(lambda neighborhood_id, now: _next_meetings(now).where(_in_neighborhood(neighborhood_id)))


async def next_meetings(neighborhood_id: int | None = None, now: dt.datetime | None = None) -> list[MeetingBrief]:
    """The next HOME_MEETINGS meetings not yet ended, soonest first (a neighborhood's include the city-wide)."""
    now = now or clock.now()
    rows = await (_NEXT_MEETINGS(now) if neighborhood_id is None else _NEXT_MEETINGS_IN(neighborhood_id, now))
    return [MeetingBrief(id=r["id"], title=r["title"], starts_at=_utc(r["starts_at"]), status=r["status"])
            for r in rows]


_MEETING_COLUMNS = (
    *_MEETING_SUMMARY,
    Meeting.description, Meeting.accessibility, Meeting.online_url, Meeting.capacity, Meeting.registration,
    Meeting.cancel_reason, Meeting.sequence, Meeting.attendance, Meeting.summary, Meeting.decisions,
    Meeting.recommendations, Meeting.recording_url, Meeting.created_at, Meeting.updated_at,
)


def _view(row: dict[str, Any], areas: dict[int, list[Area]]) -> MeetingView:
    row = {**row, "neighborhoods": areas.get(row["id"], [])}
    for key in ("starts_at", "ends_at", "created_at", "updated_at"):
        row[key] = _utc(row[key])
    if row["minutes_published_at"] is not None:
        row["minutes_published_at"] = _utc(row["minutes_published_at"])
    return MeetingView(**row)


async def get_meeting(meeting_id: int) -> MeetingView | None:
    row = await Meeting.select(*_MEETING_COLUMNS).where(Meeting.id == meeting_id).first()
    return _view(row, await _areas([meeting_id])) if row else None


async def meetings_for_calendar(*, neighborhood_id: int | None = None, meeting_id: int | None = None,
                                since: dt.datetime | None = None) -> list[MeetingView]:
    """Meetings for an iCalendar feed: from `since` on (cancelled ones included, so calendars drop them)."""
    query = Meeting.select(*_MEETING_COLUMNS)
    if meeting_id is not None:
        query = query.where(Meeting.id == meeting_id)
    if neighborhood_id is not None:
        query = query.where(_in_neighborhood(neighborhood_id))
    if since is not None:
        query = query.where(Meeting.ends_at >= since)
    rows = await query.order_by(Meeting.starts_at).order_by(Meeting.id)
    areas = await _areas([r["id"] for r in rows])
    return [_view(r, areas) for r in rows]


async def agenda_of(meeting_id: int) -> list[AgendaView]:
    rows = await AgendaItem.select(
        AgendaItem.id, AgendaItem.parent.as_alias("parent_id"), AgendaItem.position, AgendaItem.title,
        AgendaItem.notes, AgendaItem.duration_minutes, AgendaItem.link_kind, AgendaItem.link_id,
    ).where(AgendaItem.meeting == meeting_id)
    views = [AgendaView(**r) for r in rows]
    return [AgendaView(**{**_fields(v), "number": number, "depth": depth})
            for v, number, depth in rules.agenda_order(views)]  # type: ignore[arg-type]


def _fields(view: Any) -> dict[str, Any]:
    return {f: getattr(view, f) for f in view.__struct_fields__}


async def meeting_detail(meeting_id: int, viewer: Any = None) -> MeetingDetail | None:
    meeting = await get_meeting(meeting_id)
    if meeting is None:
        return None
    viewer_id = viewer.id if viewer else None
    return MeetingDetail(
        meeting=meeting, agenda=await agenda_of(meeting_id),
        registered=await Registration.count().where(Registration.meeting == meeting_id),
        is_registered=viewer_id is not None and bool(await Registration.exists().where(
            Registration.meeting == meeting_id, Registration.account == viewer_id)),
        following=viewer_id is not None and await is_following(MEETING, meeting_id, viewer_id),
        followers=await Follow.count().where(Follow.target_kind == MEETING, Follow.target_id == meeting_id),
        may_manage=await _may_run(meeting, viewer),
        commitments=await list_commitments(source=(MEETING, meeting_id)),
    )


async def _may_run(meeting: MeetingView, viewer: Any) -> bool:
    """A body's meeting is run by its chairs and council staff; any other meeting by council staff."""
    if meeting.body_id is not None:
        return await may_run_body(meeting.body_id, viewer)
    return viewer is not None and viewer.role == "council"


async def meeting_to_manage(meeting_id: int, viewer: Any) -> MeetingView:
    """The meeting, for someone who may run it; NotFound or NotAllowed otherwise."""
    meeting = await get_meeting(meeting_id)
    if meeting is None:
        raise NotFound()
    if not await _may_run(meeting, viewer):
        raise NotAllowed()
    return meeting


async def create_meeting(viewer: Any, body_id: int | None, data: MeetingInput) -> int:
    if body_id is not None and await get_body(body_id) is None:
        raise NotFound()
    if not (await may_run_body(body_id, viewer) if body_id is not None else viewer and viewer.role == "council"):
        raise NotAllowed()
    async with write_transaction():
        rows = await Meeting.insert(Meeting(body=body_id, created_by=viewer.id, **_meeting_values(data))).returning(
            Meeting.id)
        await _set_areas(rows[0]["id"], data.neighborhood_ids)
    return rows[0]["id"]


async def _set_areas(meeting_id: int, neighborhood_ids: list[int]) -> None:
    await MeetingNeighborhood.delete().where(MeetingNeighborhood.meeting == meeting_id)
    if neighborhood_ids:
        await MeetingNeighborhood.insert(*(MeetingNeighborhood(meeting=meeting_id, neighborhood=n)
                                           for n in neighborhood_ids))


def _meeting_values(data: MeetingInput) -> dict[str, Any]:
    return {"title": data.title, "kind": data.kind, "description": data.description, "starts_at": data.starts_at,
            "ends_at": data.ends_at,
            "mode": data.mode, "address": data.address, "accessibility": data.accessibility,
            "online_url": data.online_url, "languages": data.languages, "interpretation": data.interpretation,
            "childcare": data.childcare, "registration": data.registration, "capacity": data.capacity}


async def _meeting_audience(meeting_id: int, body_id: int | None) -> list[int]:
    """Who hears about a meeting: its followers, its body's followers and those registered."""
    rows = await Follow.select(Follow.account).where(Follow.target_kind == MEETING, Follow.target_id == meeting_id)
    people = {r["account"] for r in rows}
    if body_id is not None:
        rows = await Follow.select(Follow.account).where(Follow.target_kind == BODY, Follow.target_id == body_id)
        people |= {r["account"] for r in rows}
    people |= {r["account"] for r in await Registration.select(Registration.account).where(
        Registration.meeting == meeting_id)}
    return sorted(people)


async def update_meeting(meeting_id: int, viewer: Any, data: MeetingInput) -> None:
    """Edit a meeting. A change of time, place or link raises its iCalendar SEQUENCE and tells the
    people who follow it or registered."""
    meeting = await meeting_to_manage(meeting_id, viewer)
    if meeting.status == rules.CANCELLED:
        raise Refused({"form": rule_message(rules.ALREADY_CANCELLED)})
    moved = (data.starts_at, data.ends_at, data.mode, data.address, data.online_url) != (
        meeting.starts_at, meeting.ends_at, meeting.mode, meeting.address, meeting.online_url)
    values = _meeting_values(data)
    async with write_transaction():
        await Meeting.update({**{getattr(Meeting, k): v for k, v in values.items()},
                              Meeting.sequence: Meeting.sequence + 1, Meeting.updated_at: clock.now()}).where(
            Meeting.id == meeting_id)
        await _set_areas(meeting_id, data.neighborhood_ids)
    if moved:
        await notify(await _meeting_audience(meeting_id, meeting.body_id), "meeting_changed", subject=data.title,
                     actor=viewer.display_name, url=f"/meetings/{meeting_id}", exclude=viewer.id)


async def cancel_meeting(meeting_id: int, viewer: Any, reason: str) -> None:
    meeting = await meeting_to_manage(meeting_id, viewer)
    problems = rules.check_cancel(meeting.status, reason)
    if problems:
        raise Refused({"reason": rule_message(problems[0])})
    await Meeting.update({Meeting.status: rules.CANCELLED, Meeting.cancel_reason: reason.strip(),
                          Meeting.sequence: Meeting.sequence + 1, Meeting.updated_at: clock.now()}).where(
        Meeting.id == meeting_id)
    await notify(await _meeting_audience(meeting_id, meeting.body_id), "meeting_cancelled", subject=meeting.title,
                 actor=viewer.display_name, url=f"/meetings/{meeting_id}", exclude=viewer.id)


async def add_agenda_item(meeting_id: int, viewer: Any, *, title: str, notes: str, duration_minutes: int | None,
                          parent_id: int | None, link: tuple[str, int] | None) -> int:
    """Add an item at the end of the agenda (or of its parent's sub-items). A link must name an item
    the public can see: an agenda is public."""
    await meeting_to_manage(meeting_id, viewer)
    if parent_id is not None and not await AgendaItem.exists().where(
            AgendaItem.id == parent_id, AgendaItem.meeting == meeting_id):
        raise Refused({"parent_id": _("Please choose one of the options.")})
    await _check_link(link)
    async with write_transaction():
        siblings = AgendaItem.select(AgendaItem.position).where(AgendaItem.meeting == meeting_id)
        siblings = siblings.where(AgendaItem.parent == parent_id) if parent_id else siblings.where(
            AgendaItem.parent.is_null())
        last = max((r["position"] for r in await siblings), default=0)
        rows = await AgendaItem.insert(AgendaItem(
            meeting=meeting_id, parent=parent_id, position=last + 1, title=title, notes=notes,
            duration_minutes=duration_minutes, link_kind=link[0] if link else None,
            link_id=link[1] if link else None)).returning(AgendaItem.id)
        await Meeting.update({Meeting.updated_at: clock.now()}).where(Meeting.id == meeting_id)
    return rows[0]["id"]


async def _check_link(link: tuple[str, int] | None) -> None:
    if link is None:
        return
    if not links.known(link[0]):
        raise Refused({"link_kind": _("Please choose what kind of item this links to.")})
    if await links.resolve_one(link[0], link[1], None) is None:
        raise Refused({"link_ref": _("There is no public item with this number. Check the number, or paste the "
                                     "item's address.")})


async def move_agenda_item(meeting_id: int, item_id: int, viewer: Any, *, up: bool) -> None:
    """Swap an item with its neighbour among its siblings (sub-items move with their parent)."""
    await meeting_to_manage(meeting_id, viewer)
    async with write_transaction():
        item = await AgendaItem.select(AgendaItem.id, AgendaItem.parent, AgendaItem.position).where(
            AgendaItem.id == item_id, AgendaItem.meeting == meeting_id).first()
        if item is None:
            raise NotFound()
        siblings = AgendaItem.select(AgendaItem.id, AgendaItem.position).where(AgendaItem.meeting == meeting_id)
        siblings = siblings.where(AgendaItem.parent == item["parent"]) if item["parent"] else siblings.where(
            AgendaItem.parent.is_null())
        ordered = sorted(await siblings, key=lambda r: (r["position"], r["id"]))
        at = next(n for n, r in enumerate(ordered) if r["id"] == item_id)
        other = at - 1 if up else at + 1
        if not 0 <= other < len(ordered):
            return
        ordered[at], ordered[other] = ordered[other], ordered[at]
        # Renumber the siblings 1..n: positions stay distinct even if they were not before.
        for position, row in enumerate(ordered, start=1):
            if row["position"] != position:
                await AgendaItem.update({AgendaItem.position: position}).where(AgendaItem.id == row["id"])
        await Meeting.update({Meeting.updated_at: clock.now()}).where(Meeting.id == meeting_id)


async def remove_agenda_item(meeting_id: int, item_id: int, viewer: Any) -> None:
    """Remove an item and its sub-items."""
    await meeting_to_manage(meeting_id, viewer)
    if not await AgendaItem.exists().where(AgendaItem.id == item_id, AgendaItem.meeting == meeting_id):
        raise NotFound()
    async with write_transaction():
        doomed, frontier = {item_id}, [item_id]
        while frontier:
            rows = await AgendaItem.select(AgendaItem.id).where(AgendaItem.parent.is_in(frontier))
            frontier = [r["id"] for r in rows if r["id"] not in doomed]
            doomed.update(frontier)
        # Children first: the parent column is a foreign key.
        await AgendaItem.update({AgendaItem.parent: None}).where(AgendaItem.id.is_in(sorted(doomed)))
        await AgendaItem.delete().where(AgendaItem.id.is_in(sorted(doomed)))


async def publish_minutes(meeting_id: int, viewer: Any, data: MinutesInput) -> None:
    """Publish (or correct) the minutes; the meeting counts as held. The first publication tells the
    meeting's and body's followers and those who registered."""
    meeting = await meeting_to_manage(meeting_id, viewer)
    problems = rules.check_minutes(meeting.status, meeting.starts_at, clock.now())
    if problems:
        raise Refused({"form": rule_message(problems[0])})
    first = meeting.minutes_published_at is None
    await Meeting.update({
        Meeting.attendance: data.attendance, Meeting.summary: data.summary, Meeting.decisions: data.decisions,
        Meeting.recommendations: data.recommendations, Meeting.recording_url: data.recording_url,
        Meeting.status: rules.HELD, Meeting.updated_at: clock.now(),
        Meeting.minutes_published_at: meeting.minutes_published_at or clock.now(),
    }).where(Meeting.id == meeting_id)
    if first:
        await notify(await _meeting_audience(meeting_id, meeting.body_id), "meeting_minutes", subject=meeting.title,
                     actor=viewer.display_name, url=f"/meetings/{meeting_id}#minutes", exclude=viewer.id)


async def register(meeting_id: int, account_id: int) -> None:
    """Register for a meeting with registration open; refused when it is full, cancelled or over."""
    async with write_transaction():
        meeting = await Meeting.select(Meeting.registration, Meeting.capacity, Meeting.status, Meeting.ends_at).where(
            Meeting.id == meeting_id).first()
        if meeting is None:
            raise NotFound()
        if await Registration.exists().where(Registration.meeting == meeting_id, Registration.account == account_id):
            return
        if not meeting["registration"] or meeting["status"] != rules.SCHEDULED or _utc(
                meeting["ends_at"]) < clock.now():
            raise Refused({"form": _("Registration is not open for this meeting.")})
        taken = await Registration.count().where(Registration.meeting == meeting_id)
        if rules.seats_left(meeting["capacity"], taken) == 0:
            raise Refused({"form": _("This meeting is full.")})
        try:
            await Registration.insert(Registration(meeting=meeting_id, account=account_id))
        except Exception as exc:  # a double click: the unique index already has it
            if not is_unique_violation(exc):
                raise


async def registrations(meeting_id: int, viewer: Any) -> list[str]:
    """Who registered, for those who run the meeting (planning seats, childcare, interpreters)."""
    await meeting_to_manage(meeting_id, viewer)
    rows = await Registration.select(Registration.account.display_name.as_alias("name")).where(
        Registration.meeting == meeting_id).order_by(Registration.id)
    return [r["name"] for r in rows]


async def unregister(meeting_id: int, account_id: int) -> None:
    await Registration.delete().where(Registration.meeting == meeting_id, Registration.account == account_id)


# ---------------------------------------------------------------- following

async def _exists(kind: str, target_id: int) -> bool:
    table = {MEETING: Meeting, BODY: Body, COMMITMENT: Commitment}[kind]
    return bool(await table.exists().where(table.id == target_id))


async def is_following(kind: str, target_id: int, account_id: int) -> bool:
    return bool(await Follow.exists().where(Follow.target_kind == kind, Follow.target_id == target_id,
                                            Follow.account == account_id))


async def follow(kind: str, target_id: int, account_id: int) -> None:
    if not await _exists(kind, target_id):
        raise NotFound()
    if await is_following(kind, target_id, account_id):
        return
    try:
        await Follow.insert(Follow(target_kind=kind, target_id=target_id, account=account_id))
    except Exception as exc:
        if not is_unique_violation(exc):
            raise


async def unfollow(kind: str, target_id: int, account_id: int) -> None:
    await Follow.delete().where(Follow.target_kind == kind, Follow.target_id == target_id,
                                Follow.account == account_id)


async def _followers(kind: str, target_id: int) -> list[int]:
    rows = await Follow.select(Follow.account).where(Follow.target_kind == kind, Follow.target_id == target_id)
    return [r["account"] for r in rows]


# ---------------------------------------------------------------- commitments

_COMMITMENT_COLUMNS = (
    Commitment.id, Commitment.title, Commitment.owner, Commitment.status, Commitment.promised_date,
    Commitment.due_date, Commitment.source_kind, Commitment.source_id,
    Commitment.neighborhood.id.as_alias("neighborhood_id"), Commitment.neighborhood.name.as_alias("neighborhood_name"),
    Commitment.done_on,
)


# The register's page: long enough to scan, short enough that a page stays light on a phone.
COMMITMENTS_PER_PAGE = 50


async def _revision_counts(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = await CommitmentEvent.select(CommitmentEvent.commitment).where(
        CommitmentEvent.commitment.is_in(ids), CommitmentEvent.kind == "revision")
    counts: dict[int, int] = {}
    for r in rows:
        counts[r["commitment"]] = counts.get(r["commitment"], 0) + 1
    return counts


def _commitment(row: dict[str, Any], today: dt.date, revisions: int) -> CommitmentSummary:
    overdue = rules.is_overdue(row["status"], row["due_date"], today)
    return CommitmentSummary(**row, overdue=overdue,
                             days_overdue=rules.days_overdue(row["due_date"], today) if overdue else 0,
                             revisions=revisions)


async def list_commitments(*, status: str | None = None, owner: str | None = None, overdue_only: bool = False,
                           neighborhood_id: int | None = None, source: tuple[str, int] | None = None,
                           outcome: str | None = None, today: dt.date | None = None) -> list[CommitmentSummary]:
    """The register, overdue first. `outcome` (rules.outcome: kept on time, kept late, late, ...) is
    what the transparency dashboard's figures link to."""
    found = await _matching_commitments(status=status, owner=owner, overdue_only=overdue_only,
                                        neighborhood_id=neighborhood_id, source=source, outcome=outcome, today=today)
    return await _with_revisions(found)


async def commitment_page(*, page: int = 1, per_page: int = COMMITMENTS_PER_PAGE, status: str | None = None,
                          owner: str | None = None, overdue_only: bool = False, neighborhood_id: int | None = None,
                          outcome: str | None = None, today: dt.date | None = None) -> CommitmentPage:
    """One page of the register (list_commitments' filters and order); a page past the last is the
    last. Revisions are counted for the page's commitments only: they neither filter nor order."""
    found = await _matching_commitments(status=status, owner=owner, overdue_only=overdue_only,
                                        neighborhood_id=neighborhood_id, outcome=outcome, today=today)
    last = max(1, -(-len(found) // per_page))
    page = min(max(1, page), last)
    start = (page - 1) * per_page
    items = await _with_revisions(found[start:start + per_page])
    return CommitmentPage(items=items, total=len(found), page=page, first=start + 1 if items else 0,
                          last=start + len(items), has_more=page < last)


async def _matching_commitments(*, status: str | None, owner: str | None, overdue_only: bool,
                                neighborhood_id: int | None, outcome: str | None, today: dt.date | None,
                                source: tuple[str, int] | None = None) -> list[CommitmentSummary]:
    """The commitments the filters keep, overdue first, then by due date; revisions not counted yet."""
    today = today or clock.today()
    query = Commitment.select(*_COMMITMENT_COLUMNS)
    if status:
        query = query.where(Commitment.status == status)
    if owner:
        query = query.where(Commitment.owner == owner)
    if neighborhood_id is not None:
        query = query.where((Commitment.neighborhood == neighborhood_id) | Commitment.neighborhood.is_null())
    if source is not None:
        query = query.where(Commitment.source_kind == source[0], Commitment.source_id == source[1])
    rows = await query.order_by(Commitment.due_date).order_by(Commitment.id)
    found = [_commitment(r, today, 0) for r in rows]
    if overdue_only:
        found = [c for c in found if c.overdue]
    if outcome:
        found = [c for c in found if rules.outcome(c.status, c.promised_date, c.done_on, today) == outcome]
    found.sort(key=lambda c: -c.days_overdue)  # stable: overdue first, then by date
    return found


async def _with_revisions(found: list[CommitmentSummary]) -> list[CommitmentSummary]:
    revisions = await _revision_counts([c.id for c in found])
    return [msgspec.structs.replace(c, revisions=revisions[c.id]) if c.id in revisions else c for c in found]


# Only what rules.is_overdue reads, of the commitments already past their date: the home page's count
# on every request (list_commitments reads every commitment with its revisions), SQL built once.
_PAST_DUE = Prepared(lambda today: Commitment.select(Commitment.status, Commitment.due_date).where(
    Commitment.due_date < today))


async def overdue_count(today: dt.date | None = None) -> int:
    """How many commitments list_commitments(overdue_only=True) lists."""
    today = today or clock.today()
    return sum(1 for r in await _PAST_DUE(today) if rules.is_overdue(r["status"], r["due_date"], today))


async def owners() -> list[str]:
    rows = await Commitment.select(Commitment.owner).distinct().order_by(Commitment.owner)
    return [r["owner"] for r in rows]


async def _summary_of(commitment_id: int, today: dt.date) -> tuple[CommitmentSummary, dict[str, Any]] | None:
    row = await Commitment.select(*_COMMITMENT_COLUMNS, Commitment.description, Commitment.status_reason).where(
        Commitment.id == commitment_id).first()
    if row is None:
        return None
    extra = {"description": row.pop("description"), "status_reason": row.pop("status_reason")}
    revisions = await _revision_counts([commitment_id])
    return _commitment(row, today, revisions.get(commitment_id, 0)), extra


async def commitment_detail(commitment_id: int, viewer_id: int | None = None,
                            today: dt.date | None = None) -> CommitmentDetail | None:
    found = await _summary_of(commitment_id, today or clock.today())
    if found is None:
        return None
    summary, extra = found
    rows = await CommitmentEvent.select(
        CommitmentEvent.id, CommitmentEvent.kind, CommitmentEvent.body, CommitmentEvent.status_from,
        CommitmentEvent.status_to, CommitmentEvent.date_from, CommitmentEvent.date_to, CommitmentEvent.author_name,
        CommitmentEvent.created_at,
    ).where(CommitmentEvent.commitment == commitment_id).order_by(CommitmentEvent.created_at).order_by(
        CommitmentEvent.id)
    return CommitmentDetail(
        commitment=summary, description=extra["description"], status_reason=extra["status_reason"],
        events=[EventView(**{**r, "created_at": _utc(r["created_at"])}) for r in rows],
        following=viewer_id is not None and await is_following(COMMITMENT, commitment_id, viewer_id),
        followers=await Follow.count().where(Follow.target_kind == COMMITMENT, Follow.target_id == commitment_id),
    )


async def source_link(commitment: CommitmentSummary, viewer: Any = None) -> links.Link | None:
    if commitment.source_kind is None or commitment.source_id is None:
        return None
    return await links.resolve_one(commitment.source_kind, commitment.source_id, viewer)


async def create_commitment(viewer: Any, data: CommitmentInput) -> int:
    """Council staff record a commitment; its source (a meeting's recommendation, a board, a proposal, a
    concern...) must be a public item. The source's followers hear of it."""
    _require_council(viewer)
    link = (data.source_kind, data.source_id) if data.source_kind and data.source_id else None
    await _check_link(link)
    now = clock.now()
    async with write_transaction():
        rows = await Commitment.insert(Commitment(
            title=data.title, description=data.description, owner=data.owner, source_kind=data.source_kind,
            source_id=data.source_id, neighborhood=data.neighborhood_id, promised_date=data.promised_date,
            due_date=data.promised_date, created_by=viewer.id, created_at=now, updated_at=now,
        )).returning(Commitment.id)
        commitment_id = rows[0]["id"]
        await CommitmentEvent.insert(CommitmentEvent(
            commitment=commitment_id, kind="created", status_to=rules.OPEN, date_to=data.promised_date,
            author=viewer.id, author_name=viewer.display_name, created_at=now))
    if link and link[0] in (MEETING, BOARD_LINK):
        await notify(await _followers(MEETING if link[0] == MEETING else BODY, link[1]), "commitment_new",
                     subject=data.title, actor=viewer.display_name, url=f"/commitments/{commitment_id}",
                     exclude=viewer.id)
    return commitment_id


async def _current(commitment_id: int) -> dict[str, Any]:
    row = await Commitment.select(Commitment.title, Commitment.status, Commitment.due_date).where(
        Commitment.id == commitment_id).first()
    if row is None:
        raise NotFound()
    return row


async def revise_date(commitment_id: int, viewer: Any, new_date: dt.date, reason: str) -> int:
    """Move the commitment's date, with the reason; the first promised date and every revision stay
    on its public timeline."""
    _require_council(viewer)
    now = clock.now()
    async with write_transaction():
        current = await _current(commitment_id)
        problems = rules.check_revision(current["status"], current["due_date"], new_date, reason)
        if problems:
            raise Refused({{rules.SAME_DATE: "due_date", rules.CLOSED: "due_date"}.get(c, "reason"): rule_message(c)
                           for c in problems})
        await Commitment.update({Commitment.due_date: new_date, Commitment.updated_at: now}).where(
            Commitment.id == commitment_id)
        rows = await CommitmentEvent.insert(CommitmentEvent(
            commitment=commitment_id, kind="revision", body=reason.strip(), date_from=current["due_date"],
            date_to=new_date, author=viewer.id, author_name=viewer.display_name, created_at=now,
        )).returning(CommitmentEvent.id)
    await notify(await _followers(COMMITMENT, commitment_id), "commitment_revised", subject=current["title"],
                 actor=viewer.display_name, url=f"/commitments/{commitment_id}#event-{rows[0]['id']}",
                 exclude=viewer.id)
    return rows[0]["id"]


async def report(commitment_id: int, viewer: Any, status: str, body: str) -> int:
    """A progress update, with or without a change of status (a change needs its explanation)."""
    _require_council(viewer)
    body = body.strip()
    now = clock.now()
    async with write_transaction():
        current = await _current(commitment_id)
        changed = status != current["status"]
        problems = rules.check_status_change(current["status"], status, body)
        if problems:
            raise Refused({"status" if problems[0] == rules.NOT_ALLOWED else "body": rule_message(problems[0])})
        if not changed and not body:
            raise Refused({"body": _("This field is required.")})
        if changed:
            await Commitment.update({
                Commitment.status: status, Commitment.updated_at: now,
                Commitment.status_reason: body if status == rules.DROPPED else "",
                Commitment.done_on: clock.today() if status == rules.DONE else None,
            }).where(Commitment.id == commitment_id)
        else:
            await Commitment.update({Commitment.updated_at: now}).where(Commitment.id == commitment_id)
        rows = await CommitmentEvent.insert(CommitmentEvent(
            commitment=commitment_id, kind="status" if changed else "update", body=body,
            status_from=current["status"] if changed else None, status_to=status if changed else None,
            author=viewer.id, author_name=viewer.display_name, created_at=now,
        )).returning(CommitmentEvent.id)
    await notify(await _followers(COMMITMENT, commitment_id), "commitment_status" if changed else "commitment_update",
                 subject=current["title"], actor=viewer.display_name,
                 url=f"/commitments/{commitment_id}#event-{rows[0]['id']}", exclude=viewer.id)
    return rows[0]["id"]


_COMMITMENT_DATES = Prepared(lambda: Commitment.select(Commitment.status, Commitment.promised_date,
                                                       Commitment.due_date, Commitment.done_on))


async def commitment_counts(today: dt.date | None = None) -> CommitmentCounts:
    today = today or clock.today()
    rows = await _COMMITMENT_DATES()
    outcomes = [rules.outcome(r["status"], r["promised_date"], r["done_on"], today) for r in rows]
    return CommitmentCounts(
        total=len(rows), kept_on_time=outcomes.count(rules.KEPT_ON_TIME), kept_late=outcomes.count(rules.KEPT_LATE),
        late=outcomes.count(rules.LATE), dropped=outcomes.count(rules.DROPPED_OUTCOME),
        pending=outcomes.count(rules.PENDING),
        overdue=sum(1 for r in rows if rules.is_overdue(r["status"], r["due_date"], today)),
    )


async def notify_overdue(today: dt.date | None = None) -> int:
    """Background job: tell followers once when a commitment passes its current date. Claimed by a
    conditional update, so several workers running it at once tell each follower once."""
    today = today or clock.today()
    rows = await Commitment.select(Commitment.id, Commitment.title, Commitment.due_date).where(
        Commitment.status.is_in([rules.OPEN, rules.IN_PROGRESS]), Commitment.due_date < today,
        Commitment.overdue_noticed_on.is_null() | (Commitment.overdue_noticed_on != Commitment.due_date))
    told = 0
    for row in rows:
        claimed = await Commitment.update({Commitment.overdue_noticed_on: row["due_date"]}).where(
            Commitment.id == row["id"], Commitment.due_date == row["due_date"],
            Commitment.overdue_noticed_on.is_null() | (Commitment.overdue_noticed_on != row["due_date"]),
        ).returning(Commitment.id)
        if claimed:
            told += await notify(await _followers(COMMITMENT, row["id"]), "commitment_overdue", subject=row["title"],
                                 url=f"/commitments/{row['id']}")
    return told


async def run_overdue_job() -> None:
    await notify_overdue()


async def commitment_entries(limit: int) -> list[FeedEntry]:
    """Feed provider: the newest entries of every commitment's public timeline."""
    rows = await CommitmentEvent.select(
        CommitmentEvent.id, CommitmentEvent.kind, CommitmentEvent.body, CommitmentEvent.status_to,
        CommitmentEvent.date_from, CommitmentEvent.date_to, CommitmentEvent.author_name, CommitmentEvent.created_at,
        CommitmentEvent.commitment.id.as_alias("commitment_id"), CommitmentEvent.commitment.title.as_alias("title"),
    ).order_by(CommitmentEvent.created_at, ascending=False).order_by(CommitmentEvent.id, ascending=False).limit(limit)
    entries = []
    for r in rows:
        if r["kind"] == "created":
            title = _("New commitment: %(title)s, promised for %(date)s", title=r["title"], date=fmt_date(r["date_to"]))
        elif r["kind"] == "revision":
            title = _("%(title)s: date moved from %(old)s to %(new)s", title=r["title"], old=fmt_date(r["date_from"]),
                      new=fmt_date(r["date_to"]))
        elif r["kind"] == "status":
            title = _("%(title)s: now %(status)s", title=r["title"],
                      status=label(COMMITMENT_STATUS_LABELS, r["status_to"]))
        else:
            title = _("%(title)s: progress update", title=r["title"])
        entries.append(FeedEntry(
            id=f"tag:townsquare,2026:commitment-event:{r['id']}", title=title, updated=_utc(r["created_at"]),
            path=f"/commitments/{r['commitment_id']}#event-{r['id']}", summary=plain_text(r["body"])[:1000],
            author=r["author_name"], category=r["kind"]))
    return entries
