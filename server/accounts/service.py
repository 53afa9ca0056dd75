"""Account use cases: sign up, sign in with throttling, change password, create staff accounts."""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from server import clock
from server.accounts.schemas import ROLES, SignIn, SignUp
from server.accounts.tables import Account
from server.current_user import Viewer, load_viewer
from server.database import write_transaction
from server.neighborhoods.tables import Neighborhood
from server.passwords import hash_password, needs_rehash, verify_password
from server.stores.ratelimit import RateLimiter
from server.throttle import Throttle

# Failed sign-ins allowed per account within a minute: the sixth is refused before the password is
# even checked. Per client address (ten minutes), failures past the allowance only slow the address
# down (server/throttle.py): a school or library signs in from one address.
SIGN_IN_FAILURES_PER_ACCOUNT = 5
SIGN_IN_FAILURES_PER_CLIENT = 20


@dataclass(frozen=True)
class Throttles:
    sign_in_account: RateLimiter
    sign_in_client: Throttle
    sign_up_client: RateLimiter
    # Per email address: repeated sign-ups for one address would reveal whether it has an account.
    sign_up_account: RateLimiter
    # Password reset emails: per client, and per address so nobody can flood someone's inbox.
    reset_client: RateLimiter
    reset_account: RateLimiter


class SignInResult(msgspec.Struct, frozen=True):
    viewer: Viewer | None = None
    throttled: bool = False


class EmailTaken(Exception):
    pass


async def email_taken(email: str) -> bool:
    return await Account.exists().where(Account.email == email.lower())


async def sign_up(data: SignUp, role: str = "resident", *, confirmed: bool = False) -> Viewer:
    """Create the account; raises EmailTaken if the address is already registered. `confirmed`: the
    address is known good (staff and demo accounts); people signing up confirm it by e-mail."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    password_hash = await hash_password(data.password)
    async with write_transaction():
        if await email_taken(data.email):
            raise EmailTaken(data.email)
        rows = await Account.insert(
            Account(
                display_name=data.display_name,
                email=data.email.lower(),
                password_hash=password_hash,
                neighborhood=data.neighborhood_id,
                birth_year=data.birth_year,
                role=role,
                confirmed_at=clock.now() if confirmed else None,
            )
        ).returning(Account.id)
    viewer = await load_viewer(rows[0]["id"])
    assert viewer is not None
    return viewer


async def sign_in(data: SignIn, client: str, throttles: Throttles) -> SignInResult:
    """The same answer for an unknown email and a wrong password, and the same time spent: the
    password is verified against a dummy hash when there is no account."""
    account_bucket = f"signin:account:{data.email}"
    client_bucket = f"signin:client:{client}"
    if await throttles.sign_in_account.exhausted(account_bucket):
        return SignInResult(throttled=True)
    turn = await throttles.sign_in_client.wait_turn(client_bucket)
    row = await Account.select(Account.id, Account.password_hash).where(Account.email == data.email).first()
    ok = await verify_password(row["password_hash"] if row else None, data.password)
    if not ok or row is None:
        await throttles.sign_in_account.allow(account_bucket)
        await throttles.sign_in_client.failed(turn)
        return SignInResult()
    if needs_rehash(row["password_hash"]):
        new_hash = await hash_password(data.password)
        await Account.update({Account.password_hash: new_hash}).where(Account.id == row["id"])
    await throttles.sign_in_account.reset(account_bucket)
    return SignInResult(viewer=await load_viewer(row["id"]))


async def change_password(account_id: int, current: str, new: str) -> Viewer | None:
    """The account with its new password, or None when `current` is wrong. Raises the session
    version: sessions on other devices are signed out, and the caller signs this one in again."""
    row = await Account.select(Account.password_hash).where(Account.id == account_id).first()
    if row is None or not await verify_password(row["password_hash"], current):
        return None
    new_hash = await hash_password(new)
    await Account.update({
        Account.password_hash: new_hash, Account.session_version: Account.session_version + 1,
    }).where(Account.id == account_id)
    return await load_viewer(account_id)


async def set_locale(account_id: int, locale: str) -> None:
    await Account.update({Account.locale: locale}).where(Account.id == account_id)


class VerifiedDetails(Exception):
    """The neighborhood of a verified resident changes only through a new verification."""


async def update_profile(account_id: int, display_name: str, neighborhood_id: int,
                         email_notifications: bool = False) -> None:
    """Raises VerifiedDetails for a verified resident choosing another neighborhood: checked in the
    write itself, so a verification landing between the page and the save is not overwritten."""
    async with write_transaction():
        row = await Account.select(Account.neighborhood, Account.verified_via).where(Account.id == account_id).first()
        if row is not None and row["verified_via"] and row["neighborhood"] != neighborhood_id:
            raise VerifiedDetails()
        await Account.update({
            Account.display_name: display_name, Account.neighborhood: neighborhood_id,
            Account.email_notifications: email_notifications,
        }).where(Account.id == account_id)


async def create_user(
    display_name: str, email: str, password: str, neighborhood_name: str, birth_year: int, role: str
) -> Viewer:
    """For the CLI and demo data: the neighborhood is named, and created if it does not exist."""
    hood = await Neighborhood.select(Neighborhood.id).where(Neighborhood.name == neighborhood_name).first()
    if hood is None:
        rows = await Neighborhood.insert(Neighborhood(name=neighborhood_name)).returning(Neighborhood.id)
        hood_id = rows[0]["id"]
    else:
        hood_id = hood["id"]
    return await sign_up(SignUp(display_name, email.lower(), password, hood_id, birth_year), role=role,
                         confirmed=True)
