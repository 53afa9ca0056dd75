"""Notifications by email, for people who asked for them on their account page: a short digest of
what arrived since the last one, at most one an hour per person (a lively thread must not flood an
inbox), rather than one email per notification.

Runs as a background job in every server process. A notification is claimed by setting `emailed_at`
only where it is still empty, and only the rows a worker claimed are sent, so two workers never send
the same one. Notifications already read on the site, or older than a day (say, from before the
person opted in), are marked without being sent."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from server.accounts.tables import Account
from server.i18n import gettext as _
from server.i18n import ngettext, using_locale
from server.mail import Mail, Mailer
from server.notifications.kinds import readable_subjects, render
from server.notifications.tables import Notification

MAX_AGE = dt.timedelta(days=1)
EVERY = dt.timedelta(hours=1)
MAX_LISTED = 10  # per email; the rest are one click away on the notifications page


async def _claim(now: dt.datetime) -> list[dict[str, object]]:
    """The unsent, unread, recent notifications of people who want emails, claimed for this run."""
    waiting = await Notification.select(
        Notification.id, Notification.read_at, Notification.created_at,
        Notification.recipient.notification_email_at.as_alias("last_email"),
    ).where(Notification.emailed_at.is_null() & (Notification.recipient.email_notifications == True))  # noqa: E712
    stale = [int(r["id"]) for r in waiting if r["read_at"] is not None or r["created_at"] < now - MAX_AGE]
    # The others wait for the person's next turn, an hour after their last email.
    fresh = [int(r["id"]) for r in waiting if r["read_at"] is None and r["created_at"] >= now - MAX_AGE
             and (r["last_email"] is None or r["last_email"] <= now - EVERY)]
    if stale:  # nothing to send for these: mark them so they are not looked at again
        await Notification.update({Notification.emailed_at: now}).where(
            Notification.id.is_in(stale) & Notification.emailed_at.is_null())
    if not fresh:
        return []
    claimed = await Notification.update({Notification.emailed_at: now}).where(
        Notification.id.is_in(fresh) & Notification.emailed_at.is_null()).returning(Notification.id)
    claimed_ids = [int(r["id"]) for r in claimed]
    if not claimed_ids:
        return []
    return await Notification.select(
        Notification.id, Notification.kind, Notification.subject, Notification.actor, Notification.url,
        Notification.recipient.id.as_alias("account_id"), Notification.recipient.email.as_alias("email"),
        Notification.recipient.display_name.as_alias("name"), Notification.recipient.locale.as_alias("locale"),
        Notification.recipient.blocked.as_alias("blocked"),
    ).where(Notification.id.is_in(claimed_ids)).order_by(Notification.id)


def digest(name: str, lines: list[tuple[str, str]], more: int, base_url: str) -> tuple[str, str]:
    """(subject, body) in the current language: `lines` are (text, absolute link) pairs."""
    total = len(lines) + more
    subject = ngettext("%(num)s new notification on Townsquare", "%(num)s new notifications on Townsquare", total)
    body = [_("Hello %(name)s,", name=name), ""]
    for text, link in lines:
        body += [f"- {text}", f"  {link}", ""]
    if more:
        body += [ngettext("And %(num)s more: %(url)s", "And %(num)s more: %(url)s", more,
                          url=f"{base_url}/notifications"), ""]
    body += [_("You get these emails because you asked for them. To stop them, change the setting on "
               "your account page: %(url)s", url=f"{base_url}/account")]
    return subject, "\n".join(body) + "\n"


async def send_notification_emails(mailer: Mailer, base_url: str, default_locale: str = "en",
                                   now: dt.datetime | None = None) -> int:
    """Send what is waiting; returns how many emails went out."""
    now = now or dt.datetime.now(dt.UTC)
    by_person: dict[int, list[dict[str, object]]] = defaultdict(list)
    for row in await _claim(now):
        if not row["blocked"]:
            by_person[int(row["account_id"])].append(row)  # type: ignore[call-overload]
    sent = 0
    for rows in by_person.values():
        first = rows[0]
        with using_locale(str(first["locale"] or default_locale)):
            subjects = await readable_subjects([(int(r["id"]), str(r["url"]), str(r["subject"]))  # type: ignore[call-overload]
                                                for r in rows[:MAX_LISTED]], int(first["account_id"]))  # type: ignore[call-overload]
            lines = [(render(str(r["kind"]), subjects[int(r["id"])], str(r["actor"])), f"{base_url}{r['url']}")  # type: ignore[call-overload]
                     for r in rows[:MAX_LISTED]]
            subject, body = digest(str(first["name"]), lines, len(rows) - len(lines), base_url)
        await Account.update({Account.notification_email_at: now}).where(Account.id == int(first["account_id"]))  # type: ignore[call-overload]
        await mailer.send(Mail(to=str(first["email"]), subject=subject, body=body))
        sent += 1
    return sent
