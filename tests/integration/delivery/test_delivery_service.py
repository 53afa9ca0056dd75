"""Delivery use cases on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from factories.delivery import PNG, make_item, make_proposal, same_picture
from support import make_account

from delivery import service
from delivery.schemas import PhotoUpload, ProgressReport
from delivery.tables import DeliveryItem, DeliveryUpdate
from server.notifications.tables import Notification

TODAY = dt.date(2026, 6, 15)


def report(status: str = "in_progress", percent: int = 10, spent: int = 0, body: str = "",
           setback: bool = False) -> ProgressReport:
    return ProgressReport(status, percent, spent, body, setback, "")


async def test_create_delivery_items_is_idempotent(db: object) -> None:
    a, b = await make_proposal(), await make_proposal()
    first = await service.create_delivery_items(7, [(a, 100), (b, 200)])
    again = await service.create_delivery_items(7, [(b, 999), (a, 100)])
    assert again == [first[1], first[0]]
    assert await DeliveryItem.count() == 2
    assert (await service.get_summary(first[1])).allocated == 200  # not overwritten
    # One project, one fund: another ballot funding the same project does not track it twice.
    other_ballot = await service.create_delivery_items(8, [(a, 100)])
    assert other_ballot == [first[0]] and await DeliveryItem.count() == 2
    assert await service.create_delivery_items(None, [(a, 5)]) == await service.create_delivery_items(None, [(a, 5)])


async def test_unique_index_backs_idempotency(db: object) -> None:
    a = await make_proposal()
    await service.create_delivery_items(3, [(a, 100)])
    with pytest.raises(Exception, match=r"(?i)unique"):
        await DeliveryItem.insert(DeliveryItem(ballot_id=3, proposal=a, allocated=1))


async def test_only_council_reports(db: object, tmp_path: Path) -> None:
    item = await make_item()
    resident = await make_account("resident")
    for role in ("resident", "moderator"):
        with pytest.raises(service.NotAllowed):
            await service.report_progress(item, actor_id=resident.id, actor_name="R", actor_role=role,
                                          report=report(body="Started."), photo=None, upload_dir=tmp_path)
        with pytest.raises(service.NotAllowed):
            await service.add_milestone(item, actor_role=role, name="Survey", planned_date=TODAY)
    assert (await service.get_summary(item)).status == "planned"


async def test_status_change_without_update_is_refused(db: object, tmp_path: Path) -> None:
    item = await make_item()
    council = await make_account("council")
    with pytest.raises(service.Refused) as refused:
        await service.report_progress(item, actor_id=council.id, actor_name="C", actor_role="council",
                                      report=report(body=""), photo=None, upload_dir=tmp_path)
    assert "body" in refused.value.errors
    assert (await service.get_summary(item)).status == "planned"
    update_id = await service.report_progress(item, actor_id=council.id, actor_name="C", actor_role="council",
                                              report=report(body="Crews start Monday."), photo=None,
                                              upload_dir=tmp_path)
    assert update_id is not None
    detail = await service.get_item(item)
    assert detail.item.status == "in_progress"
    assert detail.updates[0].status_from == "planned" and detail.updates[0].status_to == "in_progress"
    # Numbers alone need no update.
    assert await service.report_progress(item, actor_id=council.id, actor_name="C", actor_role="council",
                                         report=report(percent=40, spent=500), photo=None,
                                         upload_dir=tmp_path) is None
    assert (await service.get_summary(item)).percent_complete == 40


async def test_completed_needs_100_and_cancelled_is_final(db: object, tmp_path: Path) -> None:
    item = await make_item()
    council = await make_account("council")
    kw = {"actor_id": council.id, "actor_name": "C", "actor_role": "council", "photo": None, "upload_dir": tmp_path}
    await service.report_progress(item, report=report(body="Started the work."), **kw)
    with pytest.raises(service.Refused) as refused:
        await service.report_progress(item, report=report("completed", 90, body="Done!"), **kw)
    assert "percent_complete" in refused.value.errors
    with pytest.raises(service.Refused):
        await service.report_progress(item, report=report("cancelled", 0, body="No."), **kw)
    await service.report_progress(item, report=report("cancelled", 0, body="The land was sold; we cannot build."),
                                  **kw)
    with pytest.raises(service.Refused) as refused:
        await service.report_progress(item, report=report("in_progress", 0, body="Trying again after all."), **kw)
    assert "status" in refused.value.errors


async def test_followers_are_notified_of_updates_and_status_changes(db: object, tmp_path: Path) -> None:
    item = await make_item("River lights")
    council = await make_account("council")
    fan, other = await make_account("resident"), await make_account("resident")
    await service.follow(item, fan.id)
    await service.follow(item, fan.id)  # twice is still once
    await service.follow(item, council.id)
    kw = {"actor_id": council.id, "actor_name": "Dana", "actor_role": "council", "photo": None, "upload_dir": tmp_path}
    await service.report_progress(item, report=report(body="Work started."), **kw)
    await service.report_progress(item, report=report(percent=50, body="Halfway there."), **kw)
    rows = await Notification.select().where(Notification.recipient == fan.id).order_by(Notification.id)
    assert [r["kind"] for r in rows] == ["delivery_status", "delivery_update"]
    assert rows[0]["subject"] == "River lights" and rows[0]["url"].startswith(f"/delivery/{item}#update-")
    assert await Notification.count().where(Notification.recipient == council.id) == 0  # not told of own act
    assert await Notification.count().where(Notification.recipient == other.id) == 0
    await service.unfollow(item, fan.id)
    await service.report_progress(item, report=report(percent=60, body="More progress."), **kw)
    assert await Notification.count().where(Notification.recipient == fan.id) == 2


async def test_photo_checks_refuse_and_store_nothing(db: object, tmp_path: Path) -> None:
    item = await make_item()
    council = await make_account("council")
    uploads = tmp_path / "uploads"
    kw = {"actor_id": council.id, "actor_name": "C", "actor_role": "council", "upload_dir": uploads}
    cases = [
        (PhotoUpload(b"GIF89a....", "Alt"), "photo"),
        (PhotoUpload(PNG + b"\0" * (5 * 1024 * 1024), "Alt"), "photo"),
        (PhotoUpload(PNG, ""), "photo_alt"),
        (PhotoUpload(PNG[:40], "Alt"), "photo"),  # starts like a PNG, but is not one
    ]
    for photo, field in cases:
        with pytest.raises(service.Refused) as refused:
            await service.report_progress(item, report=report(body="With a photo."), photo=photo, **kw)
        assert field in refused.value.errors
    assert not uploads.exists() or not any(uploads.iterdir())
    assert await DeliveryUpdate.count() == 0
    await service.report_progress(item, report=report(body="With a photo."), photo=PhotoUpload(PNG, "Lamp"), **kw)
    stored = await DeliveryUpdate.select().first()
    assert stored["photo_type"] == "image/png" and stored["photo_alt"] == "Lamp"
    kept = (uploads / stored["photo_name"]).read_bytes()
    assert same_picture(kept, PNG) and b"51.5074" not in kept


async def test_photos_lose_location_and_camera_details_but_keep_their_orientation(db: object, tmp_path: Path) -> None:
    import io

    from PIL import Image

    item = await make_item()
    council = await make_account("council")
    uploads = tmp_path / "uploads"
    exif = Image.Exif()
    exif[0x0110] = "Phone X"  # camera model
    exif[0x0112] = 6  # orientation: the phone was held upright, rotate 90° to show it
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 26.64)}  # GPS latitude
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (10, 120, 200)).save(out, "JPEG", exif=exif)
    photo = out.getvalue()
    assert b"Phone X" in photo
    await service.report_progress(item, report=report(body="The new lights."), photo=PhotoUpload(photo, "Lights"),
                                  actor_id=council.id, actor_name="C", actor_role="council", upload_dir=uploads)
    stored = await DeliveryUpdate.select().first()
    kept = (uploads / stored["photo_name"]).read_bytes()
    assert stored["photo_type"] == "image/jpeg" and b"Phone X" not in kept
    with Image.open(io.BytesIO(kept)) as image:
        assert not image.getexif() and image.size == (20, 40)


async def test_overdue_flags_and_summary(db: object) -> None:
    late_item = await make_item("Late")
    fine_item = await make_item("Fine")
    cancelled_item = await make_item("Cancelled")
    await service.add_milestone(late_item, actor_role="council", name="Survey", planned_date=TODAY - dt.timedelta(3))
    done = await service.add_milestone(late_item, actor_role="council", name="Contract",
                                       planned_date=TODAY - dt.timedelta(10))
    await service.complete_milestone(late_item, done, actor_role="council", actual_date=TODAY - dt.timedelta(1))
    await service.add_milestone(fine_item, actor_role="council", name="Start", planned_date=TODAY)
    await service.add_milestone(cancelled_item, actor_role="council", name="Old", planned_date=TODAY - dt.timedelta(9))
    await DeliveryItem.update({DeliveryItem.status: "cancelled"}).where(DeliveryItem.id == cancelled_item)
    summary = await service.overdue_summary(TODAY)
    assert summary.items == 1
    assert [(m.item_title, m.milestone, m.days_overdue) for m in summary.milestones] == [("Late", "Survey", 3)]
    detail = await service.get_item(late_item, today=TODAY)
    assert [m.overdue for m in detail.milestones] == [False, True]  # ordered by planned date
    items = await service.list_items(overdue_first=True, today=TODAY)
    assert items[0].title == "Late" and items[0].overdue_count == 1
    counts = await service.status_counts(today=TODAY)
    assert (counts.total, counts.on_track, counts.overdue, counts.cancelled) == (3, 1, 1, 1)


async def test_feed_provider_lists_updates(db: object, tmp_path: Path) -> None:
    item = await make_item("Crossing")
    council = await make_account("council")
    await service.report_progress(item, actor_id=council.id, actor_name="C", actor_role="council",
                                  report=report(body="Started."), photo=None, upload_dir=tmp_path)
    entries = await service.delivery_update_entries(10)
    assert len(entries) == 1 and entries[0].title.startswith("Crossing") and entries[0].category == "in_progress"


async def test_concurrent_publication_makes_each_item_once(db: object) -> None:
    import asyncio

    proposals = [await make_proposal() for _ in range(3)]
    funded = [(p, 100) for p in proposals]
    first, second = await asyncio.gather(service.create_delivery_items(11, funded),
                                         service.create_delivery_items(11, funded))
    assert first == second
    assert await DeliveryItem.count() == 3


async def test_demo_has_every_status_with_updates(demo: object) -> None:
    items = await service.list_items()
    assert {i.status for i in items} == {"planned", "in_progress", "completed", "stalled", "cancelled"}
    assert any(i.overdue_count for i in items)
    completed = next(i for i in items if i.status == "completed")
    detail = await service.get_item(completed.id)
    assert detail.milestones and all(m.actual_date for m in detail.milestones)
    stalled = next(i for i in items if i.status == "stalled")
    assert any(u.setback and u.status_to == "stalled" for u in (await service.get_item(stalled.id)).updates)
    cancelled = next(i for i in items if i.status == "cancelled")
    assert len((await service.get_item(cancelled.id)).updates[0].body) > 20
    photos = await DeliveryUpdate.select(DeliveryUpdate.photo_name).where(DeliveryUpdate.photo_name.is_not_null())
    var_dir = Path(os.environ["TOWNSQUARE_VAR_DIR"])  # the demo's own folder (tests/conftest.py `demo`)
    assert photos and all((var_dir / "uploads" / p["photo_name"]).is_file() for p in photos)
