"""Forgotten passwords, on both engines: a link by email (written to var/outbox/ in tests, as in
`make run`), used once within an hour, and every other session signed out afterwards."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import socket
import threading
from pathlib import Path

import httpx
from aiosmtpd.controller import Controller
from piccolo.engine.base import Engine
from support import PASSWORD, make_account, post_form, sign_in, text_of

from server.accounts import reset_service
from server.accounts.tables import Account
from server.mail import Mail, SmtpMailer

NEW_PASSWORD = "a much better passphrase"


def outbox(settings) -> list[email.message.EmailMessage]:
    folder = Path(settings.var_dir) / "outbox"
    files = sorted(folder.glob("*.eml")) if folder.exists() else []
    return [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]


def link_in(message: email.message.EmailMessage) -> str:
    body = message.get_body(("plain",)).get_content()
    match = re.search(r"http://testserver(/password/reset/\S+)", body)
    assert match, body
    return match.group(1)


async def test_a_resident_chooses_a_new_password_from_the_emailed_link(
        client: httpx.AsyncClient, other_client: httpx.AsyncClient, settings, db: Engine) -> None:
    viewer = await make_account(name="Amira Haddad")
    await sign_in(other_client, viewer.email)  # her old phone, still signed in
    assert (await other_client.get("/account")).status_code == 200
    signin = await client.get("/signin")
    assert 'href="/password/forgot"' in signin.text

    asked = await post_form(client, "/password/forgot", {"email": viewer.email.upper()})
    assert asked.status_code == 200 and "Check your email" in asked.text
    assert f"If an account uses {viewer.email}, we have sent it a link" in text_of(asked.text)
    [message] = outbox(settings)
    assert message["To"] == viewer.email and message["Subject"] == "Choose a new password for Townsquare"
    assert "Hello Amira Haddad" in message.get_body(("plain",)).get_content()
    link = link_in(message)

    form = await client.get(link)
    assert form.status_code == 200 and "Choose a new password" in form.text
    assert form.headers["cache-control"] == "no-store"
    mismatch = await post_form(client, link, {"new_password": NEW_PASSWORD, "new_password_confirm": "something else"})
    assert mismatch.status_code == 400 and "The two passwords do not match." in mismatch.text
    short = await post_form(client, link, {"new_password": "short", "new_password_confirm": "short"})
    assert short.status_code == 400 and "at least 10 characters" in short.text

    done = await post_form(client, link, {"new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD})
    assert done.status_code == 303
    assert (await client.get("/account")).status_code == 200  # signed in with the new password
    # The old phone's session no longer signs anyone in.
    assert (await other_client.get("/account")).status_code != 200
    # The link worked once.
    again = await client.get(link)
    assert again.status_code == 410 and "This link no longer works" in again.text
    reused = await post_form(client, link, {"new_password": "another passphrase!", "new_password_confirm":
                                            "another passphrase!"})
    assert reused.status_code == 410
    client.cookies.clear()
    old = await post_form(client, "/signin", {"email": viewer.email, "password": PASSWORD})
    assert old.status_code == 400
    await sign_in(client, viewer.email, NEW_PASSWORD)


async def test_unknown_and_blocked_addresses_get_the_same_answer_and_no_email(
        client: httpx.AsyncClient, settings, db: Engine) -> None:
    blocked = await make_account()
    await Account.update({Account.blocked: True}).where(Account.id == blocked.id)
    for address in ("nobody@example.org", blocked.email):
        response = await post_form(client, "/password/forgot", {"email": address})
        assert response.status_code == 200
        assert f"If an account uses {address}, we have sent it a link" in text_of(response.text)
    assert outbox(settings) == []


async def test_a_mistyped_address_comes_back_with_what_was_typed(client: httpx.AsyncClient, db: Engine) -> None:
    response = await post_form(client, "/password/forgot", {"email": "amira at example.org"})
    assert response.status_code == 400
    assert 'value="amira at example.org"' in response.text and "email address" in response.text.lower()


async def test_an_expired_link_does_not_work(client: httpx.AsyncClient, db: Engine) -> None:
    viewer = await make_account()
    link = await reset_service.request_reset(viewer.email, now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2))
    assert link is not None
    response = await client.get(f"/password/reset/{link.token}")
    assert response.status_code == 410 and 'href="/password/forgot"' in response.text
    posted = await post_form(client, f"/password/reset/{link.token}",
                             {"new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD})
    assert posted.status_code == 410
    await sign_in(client, viewer.email)  # the password did not change


async def test_one_address_gets_at_most_three_emails_an_hour(
        client: httpx.AsyncClient, settings, db: Engine) -> None:
    viewer = await make_account()
    for _ in range(5):
        response = await post_form(client, "/password/forgot", {"email": viewer.email})
        # The same answer every time: a different one would say the address has an account.
        assert response.status_code == 200 and "Check your email" in response.text
    assert len(outbox(settings)) == 3


async def test_the_email_is_in_the_accounts_language(client: httpx.AsyncClient, settings, db: Engine) -> None:
    viewer = await make_account()
    await Account.update({Account.locale: "es"}).where(Account.id == viewer.id)
    await post_form(client, "/password/forgot", {"email": viewer.email})
    [message] = outbox(settings)
    assert message["Subject"] == "Elija una nueva contraseña para Townsquare"
    assert "Hola" in message.get_body(("plain",)).get_content()


async def test_changing_the_password_signs_out_other_devices_but_not_this_one(
        client: httpx.AsyncClient, other_client: httpx.AsyncClient, db: Engine) -> None:
    viewer = await make_account()
    await sign_in(client, viewer.email)
    await sign_in(other_client, viewer.email)
    changed = await post_form(client, "/account/password", {
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD})
    assert changed.status_code == 303
    assert (await client.get("/account")).status_code == 200
    assert (await other_client.get("/account")).status_code != 200


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.received = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.original_content)
        self.received.set()
        return "250 OK"


async def test_the_smtp_mailer_delivers_to_a_real_smtp_server() -> None:
    inbox = _Inbox()
    with socket.socket() as probe:  # a free port (aiosmtpd's start-up check cannot use port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        mailer = SmtpMailer(f"smtp://127.0.0.1:{port}", "Townsquare <noreply@city.example>")
        await mailer.send(Mail(to="amira@example.org", subject="Choose a new password", body="Hello Amira,\n"))
        assert inbox.received.wait(10)
    finally:
        server.stop()
    message = email.message_from_bytes(inbox.messages[0], policy=email.policy.default)
    assert message["To"] == "amira@example.org" and message["From"] == "Townsquare <noreply@city.example>"
    assert message.get_body(("plain",)).get_content().splitlines() == ["Hello Amira,"]  # SMTP sends CRLF
