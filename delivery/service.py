"""Delivery of funded projects: items, milestones, staff updates, followers and their notices."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import anyio.to_thread
import msgspec

from delivery import rules
from delivery.schemas import (
    CycleDelivery,
    ItemDetail,
    ItemSummary,
    MilestoneView,
    OverdueMilestone,
    OverdueSummary,
    PhotoUpload,
    ProgressReport,
    StatusCounts,
    UpdateView,
    photo_message,
    rule_message,
    status_label,
)
from delivery.tables import DeliveryFollow, DeliveryItem, DeliveryUpdate, Milestone
from proposals.tables import Proposal
from server import clock, photos
from server.database import is_unique_violation, write_transaction
from server.feeds import FeedEntry
from server.i18n import gettext as _
from server.markdown import plain_text
from server.notifications.kinds import N_
from server.notifications.service import notify
from server.prepared import Prepared

# Declared in delivery/domain.py.
NOTIFICATION_KINDS = {
    "delivery_update": N_("%(actor)s posted a delivery update on “%(subject)s”"),
    "delivery_status": N_("%(actor)s changed the delivery status of “%(subject)s”"),
}

# Which form field a rule problem belongs to, so the message sits next to it.
_RULE_FIELDS = {
    rules.NOT_ALLOWED: "status",
    rules.NEEDS_EXPLANATION: "body",
    rules.NEEDS_REASON: "body",
    rules.NEEDS_FULL_PROGRESS: "percent_complete",
}


class NotAllowed(Exception):
    """Only council staff report on delivery."""


class NotFound(Exception):
    pass


class Refused(Exception):
    """The report breaks a rule; `errors` maps form fields to messages in the reader's language."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def _require_council(role: str) -> None:
    if role != "council":
        raise NotAllowed()


async def create_delivery_items(ballot_id: int | None, funded: list[tuple[int, int]]) -> list[int]:
    """Make a delivery item for each funded (proposal id, allocated amount) of a counted ballot and
    return their ids in the same order. Calling it again returns the existing items unchanged."""
    for attempt in range(2):
        try:
            return await _create_items(ballot_id, funded)
        except Exception as exc:  # a concurrent publication inserted the same item first
            if attempt or not is_unique_violation(exc):
                raise
    raise AssertionError("unreachable")


async def _create_items(ballot_id: int | None, funded: list[tuple[int, int]]) -> list[int]:
    ids: list[int] = []
    async with write_transaction():
        for proposal_id, amount in funded:
            # One project, one fund: a project already tracked (from this or any other ballot) keeps
            # its one item, so delivery and the dashboard never count it twice.
            existing = await DeliveryItem.select(DeliveryItem.id).where(DeliveryItem.proposal == proposal_id).first()
            if existing:
                ids.append(existing["id"])
                continue
            rows = await DeliveryItem.insert(
                DeliveryItem(ballot_id=ballot_id, proposal=proposal_id, allocated=amount)
            ).returning(DeliveryItem.id)
            ids.append(rows[0]["id"])
    return ids


_SUMMARY_COLUMNS = (
    DeliveryItem.id,
    DeliveryItem.proposal.id.as_alias("proposal_id"),
    DeliveryItem.ballot_id,
    DeliveryItem.proposal.title.as_alias("title"),
    DeliveryItem.proposal.summary.as_alias("summary"),
    DeliveryItem.proposal.neighborhood.id.as_alias("neighborhood_id"),
    DeliveryItem.proposal.neighborhood.name.as_alias("neighborhood_name"),
    DeliveryItem.status,
    DeliveryItem.percent_complete,
    DeliveryItem.allocated,
    DeliveryItem.spent,
    DeliveryItem.updated_at,
)


def _late_milestones(today: dt.date) -> Any:
    return Milestone.select(Milestone.item, Milestone.item.status.as_alias("item_status")).where(
        Milestone.actual_date.is_null(), Milestone.planned_date < today
    )


# Every item, and every late milestone: the home page's counts read these on every request, so their
# SQL is built once (server/prepared.py, issue 21).
_ALL_ITEMS = Prepared(lambda: DeliveryItem.select(*_SUMMARY_COLUMNS))
_ALL_LATE = Prepared(_late_milestones)


async def _overdue_counts(today: dt.date, item_ids: list[int] | None = None) -> dict[int, int]:
    if item_ids is None:
        rows = await _ALL_LATE(today)
    elif not item_ids:
        return {}
    else:
        rows = await _late_milestones(today).where(Milestone.item.is_in(item_ids))
    counts: dict[int, int] = defaultdict(int)
    for row in rows:
        if row["item_status"] != rules.CANCELLED:
            counts[row["item"]] += 1
    return counts


def _summary(row: dict[str, Any], overdue: int) -> ItemSummary:
    return ItemSummary(**row, overdue_count=overdue)


async def list_items(*, neighborhood_id: int | None = None, status: str | None = None,
                     overdue_first: bool = False, today: dt.date | None = None,
                     cycle_id: int | None = None) -> list[ItemSummary]:
    today = today or clock.today()
    if cycle_id is None and neighborhood_id is None and not status:
        rows = await _ALL_ITEMS()
        overdue = await _overdue_counts(today)  # of every item: the same counts for these rows
    else:
        query = DeliveryItem.select(*_SUMMARY_COLUMNS)
        if cycle_id is not None:
            query = query.where(DeliveryItem.proposal.cycle == cycle_id)
        if neighborhood_id is not None:
            query = query.where(DeliveryItem.proposal.neighborhood == neighborhood_id)
        if status:
            query = query.where(DeliveryItem.status == status)
        rows = await query
        overdue = await _overdue_counts(today, [r["id"] for r in rows])
    items = [_summary(r, overdue.get(r["id"], 0)) for r in rows]
    items.sort(key=lambda i: (i.neighborhood_name.lower(), i.title.lower(), i.id))
    if overdue_first:
        items.sort(key=lambda i: -i.overdue_count)  # stable: keeps the order above within ties
    return items


async def get_summary(item_id: int, today: dt.date | None = None) -> ItemSummary | None:
    row = await DeliveryItem.select(*_SUMMARY_COLUMNS).where(DeliveryItem.id == item_id).first()
    if row is None:
        return None
    overdue = await _overdue_counts(today or clock.today(), [item_id])
    return _summary(row, overdue.get(item_id, 0))


async def milestones_of(item_id: int, status: str, today: dt.date) -> list[MilestoneView]:
    rows = await Milestone.select(Milestone.id, Milestone.name, Milestone.planned_date, Milestone.actual_date).where(
        Milestone.item == item_id
    ).order_by(Milestone.planned_date).order_by(Milestone.id)
    return [
        MilestoneView(
            **r,
            overdue=rules.is_overdue(r["planned_date"], r["actual_date"], today, status),
            days_overdue=rules.days_overdue(r["planned_date"], today)
            if rules.is_overdue(r["planned_date"], r["actual_date"], today, status) else 0,
        )
        for r in rows
    ]


_UPDATE_COLUMNS = (
    DeliveryUpdate.id,
    DeliveryUpdate.item.as_alias("item_id"),
    DeliveryUpdate.body,
    DeliveryUpdate.author.display_name.as_alias("author_name"),
    DeliveryUpdate.created_at,
    DeliveryUpdate.status_from,
    DeliveryUpdate.status_to,
    DeliveryUpdate.setback,
    DeliveryUpdate.photo_name,
    DeliveryUpdate.photo_alt,
)


async def updates_of(item_id: int) -> list[UpdateView]:
    rows = await DeliveryUpdate.select(*_UPDATE_COLUMNS).where(DeliveryUpdate.item == item_id).order_by(
        DeliveryUpdate.created_at, ascending=False
    ).order_by(DeliveryUpdate.id, ascending=False)
    return [UpdateView(**r) for r in rows]


async def get_item(item_id: int, viewer_id: int | None = None, today: dt.date | None = None) -> ItemDetail | None:
    today = today or clock.today()
    summary = await get_summary(item_id, today)
    if summary is None:
        return None
    following = viewer_id is not None and await DeliveryFollow.exists().where(
        DeliveryFollow.item == item_id, DeliveryFollow.account == viewer_id
    )
    return ItemDetail(
        item=summary,
        milestones=await milestones_of(item_id, summary.status, today),
        updates=await updates_of(item_id),
        following=bool(following),
        followers=await DeliveryFollow.count().where(DeliveryFollow.item == item_id),
    )


async def report_progress(item_id: int, *, actor_id: int, actor_name: str, actor_role: str,
                          report: ProgressReport, photo: PhotoUpload | None, upload_dir: photos.Place) -> int | None:
    """Council staff set status, percent complete and money spent, and optionally post a dated
    update (Markdown, optional photo). Changing the status requires the update explaining it.
    Returns the new update's id (None when only the numbers changed). Raises Refused with
    messages by field, NotAllowed for anyone but council staff, NotFound."""
    _require_council(actor_role)
    errors: dict[str, str] = {}
    content_type: str | None = None
    cleaned: bytes | None = None
    if photo is not None:
        content_type, problems = photos.check_photo(photo.data, photo.alt)
        if content_type is not None:
            # Decoding and encoding a 5 MB photo takes long enough to stall the other requests.
            cleaned = await anyio.to_thread.run_sync(photos.clean_photo, photo.data, content_type)
            if cleaned is None:
                problems["photo"] = photos.UNREADABLE
        errors.update({field: photo_message(code) for field, code in problems.items()})
    if (photo is not None or report.setback) and not report.body.strip():
        errors["body"] = _("Please write the update that goes with the photo or setback.")
    stored: str | None = None
    try:
        async with write_transaction():
            item = await DeliveryItem.select(DeliveryItem.status, DeliveryItem.proposal.title.as_alias("title")).where(
                DeliveryItem.id == item_id
            ).first()
            if item is None:
                raise NotFound()
            for code in rules.check_change(item["status"], report.status, report.percent_complete, report.body):
                errors.setdefault(_RULE_FIELDS.get(code, "status"), rule_message(code))
            if errors:
                raise Refused(errors)
            if cleaned is not None and content_type is not None:
                stored = photos.store_photo(upload_dir, cleaned, content_type)
            now = dt.datetime.now(dt.UTC)
            await DeliveryItem.update({
                DeliveryItem.status: report.status,
                DeliveryItem.percent_complete: report.percent_complete,
                DeliveryItem.spent: report.spent,
                DeliveryItem.updated_at: now,
            }).where(DeliveryItem.id == item_id)
            update_id: int | None = None
            changed = report.status != item["status"]
            if report.body.strip():
                rows = await DeliveryUpdate.insert(DeliveryUpdate(
                    item=item_id, author=actor_id, body=report.body,
                    status_from=item["status"] if changed else None, status_to=report.status if changed else None,
                    setback=report.setback or (report.status == rules.STALLED and changed),
                    photo_name=stored, photo_type=content_type if stored else None,
                    photo_alt=photo.alt.strip() if stored and photo else None, created_at=now,
                )).returning(DeliveryUpdate.id)
                update_id = rows[0]["id"]
    except BaseException:
        photos.remove_photo(upload_dir, stored)
        raise
    if update_id is not None:
        followers = [r["account"] for r in await DeliveryFollow.select(DeliveryFollow.account).where(
            DeliveryFollow.item == item_id)]
        await notify(followers, "delivery_status" if changed else "delivery_update", subject=item["title"],
                     actor=actor_name, url=f"/delivery/{item_id}#update-{update_id}", exclude=actor_id)
    return update_id


async def add_milestone(item_id: int, *, actor_role: str, name: str, planned_date: dt.date) -> int:
    _require_council(actor_role)
    if not await DeliveryItem.exists().where(DeliveryItem.id == item_id):
        raise NotFound()
    rows = await Milestone.insert(Milestone(item=item_id, name=name, planned_date=planned_date)).returning(Milestone.id)
    return rows[0]["id"]


async def complete_milestone(item_id: int, milestone_id: int, *, actor_role: str,
                             actual_date: dt.date | None) -> None:
    """Record when a milestone was reached (None reopens it)."""
    _require_council(actor_role)
    found = await Milestone.exists().where(Milestone.id == milestone_id, Milestone.item == item_id)
    if not found:
        raise NotFound()
    await Milestone.update({Milestone.actual_date: actual_date}).where(Milestone.id == milestone_id)


async def follow(item_id: int, account_id: int) -> None:
    if not await DeliveryItem.exists().where(DeliveryItem.id == item_id):
        raise NotFound()
    if await DeliveryFollow.exists().where(DeliveryFollow.item == item_id, DeliveryFollow.account == account_id):
        return
    try:
        await DeliveryFollow.insert(DeliveryFollow(item=item_id, account=account_id))
    except Exception as exc:  # a double click from two tabs: the unique index already has it
        if not is_unique_violation(exc):
            raise


async def unfollow(item_id: int, account_id: int) -> None:
    await DeliveryFollow.delete().where(DeliveryFollow.item == item_id, DeliveryFollow.account == account_id)


async def overdue_summary(today: dt.date | None = None) -> OverdueSummary:
    """Overdue milestones across all items, most overdue first, for the council dashboard."""
    today = today or clock.today()
    rows = await Milestone.select(
        Milestone.item.id.as_alias("item_id"),
        Milestone.item.proposal.title.as_alias("item_title"),
        Milestone.item.proposal.neighborhood.name.as_alias("neighborhood_name"),
        Milestone.item.status.as_alias("item_status"),
        Milestone.name,
        Milestone.planned_date,
    ).where(Milestone.actual_date.is_null(), Milestone.planned_date < today)
    late = [
        OverdueMilestone(item_id=r["item_id"], item_title=r["item_title"], neighborhood_name=r["neighborhood_name"],
                         milestone=r["name"], planned_date=r["planned_date"],
                         days_overdue=rules.days_overdue(r["planned_date"], today))
        for r in rows if r["item_status"] != rules.CANCELLED
    ]
    late.sort(key=lambda m: (-m.days_overdue, m.item_title))
    return OverdueSummary(items=len({m.item_id for m in late}), milestones=late)


# The home page's counts, on every request: each item's status and whether it has a late milestone
# (not done, planned before today: what _late_milestones selects) in one statement. Raw SQL because
# Piccolo selects cannot put an EXISTS per row, and the counts need no more than these two values: this
# replaced every item's summary row (three joins) and every late milestone read through the ORM (issue 21).
_MILESTONE, _ITEM, _PROPOSAL = Milestone._meta.tablename, DeliveryItem._meta.tablename, Proposal._meta.tablename
_COUNT_ROWS = (f"SELECT i.status AS status, EXISTS (SELECT 1 FROM {_MILESTONE} m WHERE m.item = i.id "
               f"AND m.actual_date IS NULL AND m.planned_date < {{}}) AS late FROM {_ITEM} i")
_COUNT_ROWS_IN = _COUNT_ROWS + f" JOIN {_PROPOSAL} p ON p.id = i.proposal WHERE p.neighborhood = {{}}"


async def status_counts(neighborhood_id: int | None = None, today: dt.date | None = None) -> StatusCounts:
    today = today or clock.today()
    if neighborhood_id is None:
        rows = await DeliveryItem.raw(_COUNT_ROWS, today)
    else:
        rows = await DeliveryItem.raw(_COUNT_ROWS_IN, today, neighborhood_id)
    # A cancelled item's late milestones count for nothing (list_items: its overdue_count is 0).
    items = [(r["status"], bool(r["late"]) and r["status"] != rules.CANCELLED) for r in rows]
    return StatusCounts(
        neighborhood_id=neighborhood_id,
        total=len(items),
        on_track=sum(1 for status, late in items if rules.on_track(status, late)),
        stalled=sum(1 for status, late in items if status == rules.STALLED),
        completed=sum(1 for status, late in items if status == rules.COMPLETED),
        cancelled=sum(1 for status, late in items if status == rules.CANCELLED),
        overdue=sum(1 for status, late in items if late),
    )


class _Milestone(msgspec.Struct, frozen=True):
    planned_date: dt.date
    actual_date: dt.date | None


# The dashboard reads these for every cycle on each request: SQL built once (issue 21).
_CYCLE_ITEMS = Prepared(lambda cycle_ids: DeliveryItem.select(
    DeliveryItem.id, DeliveryItem.allocated, DeliveryItem.spent, DeliveryItem.status,
    DeliveryItem.proposal.neighborhood.name.as_alias("neighborhood"),
    DeliveryItem.proposal.cycle.as_alias("cycle"),
).where(DeliveryItem.proposal.cycle.is_in(cycle_ids)))
_CYCLE_MILESTONES = Prepared(lambda cycle_ids: Milestone.select(
    Milestone.item, Milestone.planned_date, Milestone.actual_date,
).where(Milestone.item.proposal.cycle.is_in(cycle_ids)))


async def cycle_delivery(cycle_ids: list[int], today: dt.date | None = None) -> dict[int, CycleDelivery]:
    """Money and progress of the projects each budget cycle funded, by the delivery rules, in two
    queries whatever the number of cycles."""
    today = today or clock.today()
    items: dict[int, list[dict[str, Any]]] = {c: [] for c in cycle_ids}
    by_item: dict[int, list[_Milestone]] = defaultdict(list)
    if cycle_ids:
        for i in await _CYCLE_ITEMS(list(cycle_ids)):
            items[i["cycle"]].append(i)
        for m in await _CYCLE_MILESTONES(list(cycle_ids)):
            by_item[m["item"]].append(_Milestone(m["planned_date"], m["actual_date"]))
    return {c: _delivery_figures(items[c], by_item, today) for c in cycle_ids}


def _delivery_figures(items: list[dict[str, Any]], by_item: dict[int, list[_Milestone]],
                      today: dt.date) -> CycleDelivery:
    completed = [i for i in items if i["status"] == rules.COMPLETED]
    overdue = [i for i in items if rules.overdue_milestones(by_item.get(i["id"], []), today, i["status"])]
    by_hood: dict[str, int] = defaultdict(int)
    for i in items:
        by_hood[i["neighborhood"]] += i["allocated"]
    return CycleDelivery(
        allocated=sum(i["allocated"] for i in items), spent=sum(i["spent"] for i in items),
        delivered=sum(i["allocated"] for i in completed), projects_funded=len(items),
        projects_completed=len(completed),
        completed_on_time=sum(1 for i in completed if rules.completed_on_time(i["status"], by_item.get(i["id"], []))),
        overdue_items=len(overdue), allocated_by_neighborhood=sorted(by_hood.items()),
    )


async def delivery_update_entries(limit: int) -> list[FeedEntry]:
    """Feed provider: the newest public delivery updates."""
    rows = await DeliveryUpdate.select(
        *_UPDATE_COLUMNS, DeliveryUpdate.item.proposal.title.as_alias("title"),
    ).order_by(DeliveryUpdate.created_at, ascending=False).order_by(DeliveryUpdate.id, ascending=False).limit(limit)
    entries = []
    for r in rows:
        changed = r["status_to"] and r["status_to"] != r["status_from"]
        title = (_("%(title)s: now %(status)s", title=r["title"], status=status_label(r["status_to"]))
                 if changed else _("%(title)s: delivery update", title=r["title"]))
        entries.append(FeedEntry(
            id=f"tag:townsquare,2026:delivery-update:{r['id']}",
            title=title,
            updated=r["created_at"],
            path=f"/delivery/{r['item_id']}#update-{r['id']}",
            summary=plain_text(r["body"])[:1000],  # a feed reader shows the summary as written: no Markdown
            author=r["author_name"],
            category=r["status_to"] or "update",
        ))
    return entries
