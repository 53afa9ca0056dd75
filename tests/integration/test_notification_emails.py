"""Notifications by email (server/notifications/emails.py), on both engines: only to people who
asked, one digest per person, never the same notification twice, in the person's language."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from pathlib import Path

import anyio
from piccolo.engine.base import Engine
from support import make_account

from server.accounts.tables import Account
from server.mail import OutboxMailer
from server.notifications.emails import MAX_LISTED, send_notification_emails
from server.notifications.service import notify
from server.notifications.tables import Notification

SITE = "https://townsquare.example.org"


def _outbox(folder: Path) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(f.read_bytes(), policy=email.policy.default)
            for f in sorted(folder.glob("*.eml"))] if folder.exists() else []


async def _wants_emails(account_id: int, locale: str | None = None) -> None:
    await Account.update({Account.email_notifications: True, Account.locale: locale}).where(Account.id == account_id)


async def test_one_digest_per_person_who_asked_and_never_twice(db: Engine, tmp_path: Path) -> None:
    mailer = OutboxMailer(tmp_path / "outbox", "Townsquare <noreply@city.example>")
    amira, tom = await make_account(name="Amira Haddad"), await make_account(name="Tom Becker")
    await _wants_emails(amira.id)
    await notify([amira.id, tom.id], "welcome", actor="Amira", url="/proposals/7")
    await notify([amira.id, tom.id], "welcome", actor="Tom", url="/drafts/2")

    assert await send_notification_emails(mailer, SITE) == 1
    [message] = _outbox(tmp_path / "outbox")
    assert message["To"] == amira.email and message["Subject"] == "2 new notifications on Townsquare"
    body = message.get_body(("plain",)).get_content()
    assert "Hello Amira Haddad," in body
    assert f"{SITE}/proposals/7" in body and f"{SITE}/drafts/2" in body and f"{SITE}/account" in body
    assert "Welcome to Townsquare, Amira." in body

    assert await send_notification_emails(mailer, SITE) == 0  # nothing is sent twice
    await notify([amira.id], "welcome", actor="again", url="/")
    assert await send_notification_emails(mailer, SITE) == 0  # at most one email an hour
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=61)
    assert await send_notification_emails(mailer, SITE, now=later) == 1
    assert len(_outbox(tmp_path / "outbox")) == 2
    assert "Welcome to Townsquare, again." in _outbox(tmp_path / "outbox")[1].get_body(("plain",)).get_content()
    # Tom never asked: his notifications stay on the site only.
    assert all(m["To"] == amira.email for m in _outbox(tmp_path / "outbox"))


async def test_read_and_old_notifications_are_not_sent(db: Engine, tmp_path: Path) -> None:
    mailer = OutboxMailer(tmp_path / "outbox", "Townsquare <noreply@city.example>")
    grace = await make_account()
    await notify([grace.id], "welcome", actor="read already")
    await notify([grace.id], "welcome", actor="from last week")
    await Notification.update({Notification.read_at: dt.datetime.now(dt.UTC)}).where(
        Notification.actor == "read already")
    await Notification.update({Notification.created_at: dt.datetime.now(dt.UTC) - dt.timedelta(days=7)}).where(
        Notification.actor == "from last week")
    await _wants_emails(grace.id)  # she opts in after both arrived
    assert await send_notification_emails(mailer, SITE) == 0
    assert await Notification.count().where(Notification.emailed_at.is_null()) == 0


async def test_a_long_digest_lists_the_first_ones_and_links_the_rest_in_the_readers_language(
        db: Engine, tmp_path: Path) -> None:
    mailer = OutboxMailer(tmp_path / "outbox", "Townsquare <noreply@city.example>")
    luis = await make_account(name="Luis Ortega")
    await _wants_emails(luis.id, locale="es")
    for i in range(MAX_LISTED + 3):
        await notify([luis.id], "welcome", actor=f"n{i}", url=f"/proposals/{i}")
    assert await send_notification_emails(mailer, SITE) == 1
    [message] = _outbox(tmp_path / "outbox")
    body = message.get_body(("plain",)).get_content()
    assert message["Subject"] == f"{MAX_LISTED + 3} notificaciones nuevas en Townsquare"
    assert body.count(f"{SITE}/proposals/") == MAX_LISTED and f"{SITE}/notifications" in body
    assert "Hola, Luis Ortega:" in body


async def test_two_workers_at_once_send_each_notification_once(db: Engine, tmp_path: Path) -> None:
    mailer = OutboxMailer(tmp_path / "outbox", "Townsquare <noreply@city.example>")
    people = [await make_account() for _ in range(6)]
    for person in people:
        await _wants_emails(person.id)
    await notify([p.id for p in people], "welcome", actor="everyone")
    counts: list[int] = []

    async def worker() -> None:
        counts.append(await send_notification_emails(mailer, SITE))

    async with anyio.create_task_group() as tg:
        tg.start_soon(worker)
        tg.start_soon(worker)
    assert sum(counts) == 6
    assert sorted(m["To"] for m in _outbox(tmp_path / "outbox")) == sorted(p.email for p in people)
