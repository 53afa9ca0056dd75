"""In-app notifications shared by every domain: proposals, drafts, ballots and delivery."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from server.notifications.kinds import readable_subjects, render
from server.notifications.schemas import NotificationPage, NotificationView
from server.notifications.tables import Notification

PAGE_SIZE = 30


async def notify(recipients: Iterable[int], kind: str, *, subject: str = "", actor: str = "",
                 url: str = "/", exclude: int | None = None) -> int:
    """Send one notification to each distinct recipient except `exclude` (usually whoever acted)."""
    ids = sorted({r for r in recipients if r != exclude})
    if not ids:
        return 0
    await Notification.insert(
        *[Notification(recipient=r, kind=kind, subject=subject[:300], actor=actor[:80], url=url) for r in ids]
    )
    return len(ids)


async def unread_count(account_id: int) -> int:
    return await Notification.count().where(
        (Notification.recipient == account_id) & Notification.read_at.is_null()
    )


async def page_for(account_id: int, page: int = 1) -> NotificationPage:
    page = max(1, page)
    rows = await Notification.select().where(Notification.recipient == account_id).order_by(
        Notification.id, ascending=False
    ).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
    subjects = await readable_subjects([(r["id"], r["url"], r["subject"]) for r in rows[:PAGE_SIZE]], account_id)
    items = [
        NotificationView(
            id=r["id"],
            text=render(r["kind"], subjects[r["id"]], r["actor"]),
            url=r["url"],
            created_at=r["created_at"],
            unread=r["read_at"] is None,
        )
        for r in rows[:PAGE_SIZE]
    ]
    return NotificationPage(items=items, page=page, has_more=len(rows) > PAGE_SIZE,
                            unread=await unread_count(account_id))


async def mark_read(account_id: int, notification_id: int) -> str | None:
    """Marks one read and returns where it points, or None if it is not this person's."""
    row = await Notification.select(Notification.url).where(
        (Notification.id == notification_id) & (Notification.recipient == account_id)
    ).first()
    if row is None:
        return None
    await Notification.update({Notification.read_at: dt.datetime.now(dt.UTC)}).where(
        (Notification.id == notification_id) & Notification.read_at.is_null()
    )
    return row["url"]


async def mark_all_read(account_id: int) -> None:
    await Notification.update({Notification.read_at: dt.datetime.now(dt.UTC)}).where(
        (Notification.recipient == account_id) & Notification.read_at.is_null()
    )
