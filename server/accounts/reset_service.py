"""Password reset: make a link for an account's email address, and use it to set a new password."""

from __future__ import annotations

import datetime as dt

import msgspec

from server import clock
from server.accounts import reset
from server.accounts.tables import Account, PasswordReset
from server.current_user import Viewer, load_viewer
from server.database import write_transaction
from server.passwords import hash_password


class ResetLink(msgspec.Struct, frozen=True):
    """What the email needs: who to write to, in which language, and the token for the link."""

    email: str
    display_name: str
    locale: str | None
    token: str


async def request_reset(email: str, now: dt.datetime | None = None) -> ResetLink | None:
    """A new link for the account with this address; None when there is no such account or it is
    blocked (the caller answers the same either way, so nobody learns which addresses have accounts)."""
    now = now or clock.now()
    row = await Account.select(Account.id, Account.email, Account.display_name, Account.locale).where(
        (Account.email == email.strip().lower()) & (Account.blocked == False)  # noqa: E712
    ).first()
    if row is None:
        return None
    token, hashed = reset.new_token()
    await PasswordReset.insert(PasswordReset(
        account=row["id"], token_hash=hashed, created_at=now, expires_at=reset.expires_at(now)))
    return ResetLink(row["email"], row["display_name"], row["locale"], token)


async def _usable_row(token: str, now: dt.datetime) -> dict[str, object] | None:
    if not reset.looks_like_token(token):
        return None
    row = await PasswordReset.select(
        PasswordReset.id, PasswordReset.account, PasswordReset.expires_at, PasswordReset.used_at,
    ).where(PasswordReset.token_hash == reset.token_hash(token)).first()
    if row is None or not reset.usable(row["expires_at"], row["used_at"], now):
        return None
    return row


async def link_works(token: str, now: dt.datetime | None = None) -> bool:
    return await _usable_row(token, now or clock.now()) is not None


async def reset_password(token: str, new_password: str, now: dt.datetime | None = None) -> Viewer | None:
    """Set the new password and use up every open link of the account; None when the link does not
    work (unknown, used or expired). Every session signed in before the reset stops working."""
    now = now or clock.now()
    if await _usable_row(token, now) is None:  # cheap: a dead link costs no password hashing
        return None
    password_hash = await hash_password(new_password)  # slow: before the write lock, not inside it
    async with write_transaction():
        row = await _usable_row(token, now)  # again inside the transaction: a link works only once
        if row is None:
            return None
        account_id = int(row["account"])  # type: ignore[call-overload]
        await PasswordReset.update({PasswordReset.used_at: now}).where(
            (PasswordReset.account == account_id) & PasswordReset.used_at.is_null())
        await Account.update({
            Account.password_hash: password_hash, Account.session_version: Account.session_version + 1,
        }).where(Account.id == account_id)
    return await load_viewer(account_id)
