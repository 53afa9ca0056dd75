"""Confirming an account's e-mail address, on both engines: sign-up sends a link that works once;
until it is opened the account reads but does not take part, and every refusal says how to confirm
and offers a new link."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
from pathlib import Path

import httpx
from factories.proposals import make_cycle, make_proposal
from piccolo.engine.base import Engine
from support import make_account, make_neighborhood, post_form, sign_in, text_of

from server.accounts import confirmation_service
from server.accounts.tables import Account, EmailConfirmation


def outbox(settings) -> list[email.message.EmailMessage]:
    folder = Path(settings.var_dir) / "outbox"
    files = sorted(folder.glob("*.eml")) if folder.exists() else []
    return [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]


def link_in(message: email.message.EmailMessage) -> str:
    body = message.get_body(("plain",)).get_content()
    match = re.search(r"http://testserver(/account/confirm/\S+)", body)
    assert match, body
    return match.group(1)


async def test_sign_up_sends_a_link_that_confirms_once(client: httpx.AsyncClient, settings, db: Engine) -> None:
    hood = await make_neighborhood("Riverside")
    signed = await post_form(client, "/signup", {
        "display_name": "Amira Haddad", "email": "amira@example.org", "password": "a long passphrase",
        "password_confirm": "a long passphrase", "neighborhood_id": str(hood), "birth_year": "1988"})
    assert signed.status_code == 303
    account = await Account.select(Account.confirmed_at).where(Account.email == "amira@example.org").first()
    assert account["confirmed_at"] is None
    [message] = outbox(settings)
    assert message["To"] == "amira@example.org"
    assert message["Subject"] == "Confirm your e-mail address for Townsquare"
    link = link_in(message)
    token = link.rsplit("/", 1)[1]
    stored = await EmailConfirmation.select(EmailConfirmation.token_hash).first()
    assert stored["token_hash"] != token  # only a hash is kept

    page = await client.get("/")
    assert "first confirm your e-mail address" in text_of(page.text)

    opened = await client.get(link)  # opening the link alone (a mail scanner) confirms nothing
    assert opened.status_code == 200 and opened.headers["cache-control"] == "no-store"
    assert (await Account.select(Account.confirmed_at).where(Account.email == "amira@example.org").first()
            )["confirmed_at"] is None
    confirmed = await post_form(client, link)
    assert confirmed.status_code == 303
    assert (await Account.select(Account.confirmed_at).where(Account.email == "amira@example.org").first()
            )["confirmed_at"] is not None
    home = await client.get("/")
    assert "first confirm your e-mail address" not in text_of(home.text)
    again = await post_form(client, link)
    assert again.status_code == 410 and "This link no longer works" in again.text


async def test_an_expired_link_does_not_confirm(db: Engine) -> None:
    viewer = await make_account(confirmed=False)
    old = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    link = await confirmation_service.new_link(viewer.id, now=old)
    assert link is not None
    assert await confirmation_service.confirm(link.token) is None
    assert await confirmation_service.confirm(link.token, now=old + dt.timedelta(hours=47)) == viewer.id
    assert await confirmation_service.new_link(viewer.id) is None  # confirmed: nothing more to send


async def test_an_unconfirmed_account_reads_but_is_told_how_to_take_part(
        client: httpx.AsyncClient, settings, db: Engine) -> None:
    author = await make_account()
    proposal = await make_proposal(author, await make_cycle("ideas"))
    viewer = await make_account(confirmed=False)
    await sign_in(client, viewer.email)
    assert (await client.get(f"/proposals/{proposal}")).status_code == 200

    for url, form in [(f"/proposals/{proposal}/support", {}),
                      (f"/threads/proposal/{proposal}/comments", {"body": "Good idea"}),
                      ("/proposals/new", {"title": "A bench"})]:
        refused = await post_form(client, url, form)
        assert refused.status_code == 403, url
        text = text_of(refused.text)
        assert "Please confirm your e-mail address first" in text
        assert 'action="/account/confirm"' in refused.text  # and a button to send the link again

    htmx = await post_form(client, f"/proposals/{proposal}/support", headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and htmx.headers["hx-redirect"] == "/account/confirm"

    resent = await post_form(client, "/account/confirm")
    assert resent.status_code == 303
    assert len(outbox(settings)) == 1
    await post_form(client, link_in(outbox(settings)[0]))
    supported = await post_form(client, f"/proposals/{proposal}/support")
    assert supported.status_code == 303


async def test_accounts_from_before_confirmation_count_as_confirmed(db: Engine) -> None:
    """The migration confirms every account that existed; the demo and staff accounts are confirmed."""
    viewer = await make_account()
    assert viewer.confirmed
    unconfirmed = await make_account(confirmed=False)
    assert not unconfirmed.confirmed
