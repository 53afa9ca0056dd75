"""Confirming an account's e-mail address: make a link, and use it once."""

from __future__ import annotations

import datetime as dt

import msgspec

from server import clock
from server.accounts import confirmation
from server.accounts.tables import Account, EmailConfirmation
from server.database import write_transaction


class ConfirmLink(msgspec.Struct, frozen=True):
    """What the e-mail needs: who to write to, in which language, and the token for the link."""

    email: str
    display_name: str
    locale: str | None
    token: str


async def new_link(account_id: int, now: dt.datetime | None = None) -> ConfirmLink | None:
    """A fresh link for an account that is not confirmed yet; None when it is (or does not exist).
    Older links keep working until they expire: the person may open any e-mail they received."""
    now = now or clock.now()
    row = await Account.select(Account.email, Account.display_name, Account.locale, Account.confirmed_at).where(
        Account.id == account_id).first()
    if row is None or row["confirmed_at"] is not None:
        return None
    token, hashed = confirmation.new_token()
    await EmailConfirmation.insert(EmailConfirmation(
        account=account_id, token_hash=hashed, created_at=now, expires_at=confirmation.expires_at(now)))
    return ConfirmLink(row["email"], row["display_name"], row["locale"], token)


async def _usable(token: str, now: dt.datetime) -> dict[str, object] | None:
    if not confirmation.looks_like_token(token):
        return None
    row = await EmailConfirmation.select(
        EmailConfirmation.id, EmailConfirmation.account, EmailConfirmation.expires_at, EmailConfirmation.used_at,
    ).where(EmailConfirmation.token_hash == confirmation.token_hash(token)).first()
    if row is None or not confirmation.usable(row["expires_at"], row["used_at"], now):
        return None
    return row


async def link_works(token: str, now: dt.datetime | None = None) -> bool:
    return await _usable(token, now or clock.now()) is not None


async def confirm(token: str, now: dt.datetime | None = None) -> int | None:
    """Confirm the address the link was sent to; the account id, or None when the link does not
    work (unknown, used or expired). Every open link of the account is used up with it."""
    now = now or clock.now()
    async with write_transaction():
        row = await _usable(token, now)
        if row is None:
            return None
        account_id = int(row["account"])  # type: ignore[call-overload]
        await EmailConfirmation.update({EmailConfirmation.used_at: now}).where(
            (EmailConfirmation.account == account_id) & EmailConfirmation.used_at.is_null())
        await Account.update({Account.confirmed_at: now}).where(
            (Account.id == account_id) & Account.confirmed_at.is_null())
    return account_id


async def mark_confirmed(account_id: int, now: dt.datetime | None = None) -> None:
    """Accounts made by council staff or the demo, whose address is known good."""
    await Account.update({Account.confirmed_at: now or clock.now()}).where(
        (Account.id == account_id) & Account.confirmed_at.is_null())
