"""Sending email: through an SMTP server when TOWNSQUARE_SMTP_URL is set, otherwise into a folder.

The folder (var/outbox/ by default) is what `make run` and the tests use: each message is one .eml
file that any mail program opens. Messages go out after the response is sent (a background task),
so an SMTP server's slowness neither delays the page nor tells anyone, by its timing, whether an
address has an account.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
import uuid
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlparse

import anyio.to_thread
import msgspec

log = logging.getLogger("townsquare.mail")


class Mail(msgspec.Struct, frozen=True):
    to: str
    subject: str
    body: str


class Mailer(Protocol):
    async def send(self, mail: Mail) -> None: ...


def _message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = dt.datetime.now(dt.UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
    message["Message-ID"] = f"<{uuid.uuid4()}@townsquare>"
    message.set_content(mail.body)
    return message


class OutboxMailer:
    """Writes each message as an .eml file instead of sending it."""

    def __init__(self, folder: Path, sender: str) -> None:
        self.folder = folder
        self.sender = sender

    async def send(self, mail: Mail) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        path = self.folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        await anyio.to_thread.run_sync(path.write_bytes, bytes(_message(mail, self.sender)))
        log.info("email to %s written to %s (no TOWNSQUARE_SMTP_URL set)", mail.to, path)


class SmtpMailer:
    """smtp://user:password@host:587 (STARTTLS when the server offers it) or smtps://...:465."""

    def __init__(self, url: str, sender: str) -> None:
        parsed = urlparse(url)
        self.tls = parsed.scheme == "smtps"
        self.host = parsed.hostname or "localhost"
        self.port = parsed.port or (465 if self.tls else 587)
        self.user = unquote(parsed.username) if parsed.username else None
        self.password = unquote(parsed.password) if parsed.password else None
        self.sender = sender

    def _send(self, message: EmailMessage) -> None:
        context = ssl.create_default_context()
        smtp_class = smtplib.SMTP_SSL if self.tls else smtplib.SMTP
        kwargs = {"context": context} if self.tls else {}
        with smtp_class(self.host, self.port, timeout=30, **kwargs) as smtp:
            if not self.tls:
                smtp.ehlo()
                if smtp.has_extn("starttls"):
                    smtp.starttls(context=context)
                    smtp.ehlo()
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(message)

    async def send(self, mail: Mail) -> None:
        try:
            await anyio.to_thread.run_sync(self._send, _message(mail, self.sender))
        except (OSError, smtplib.SMTPException):
            # Runs after the response: nobody is waiting to be told, so the log is where it shows.
            log.exception("could not send email to %s through %s:%s", mail.to, self.host, self.port)


def check_smtp_url(url: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme not in ("smtp", "smtps") or not parsed.hostname:
        raise ValueError(url)
    return url


def mailer_for(smtp_url: str | None, sender: str, var_dir: Path) -> Mailer:
    return SmtpMailer(smtp_url, sender) if smtp_url else OutboxMailer(var_dir / "outbox", sender)
