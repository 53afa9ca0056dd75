"""Verification use cases: importing the eligibility roll, residents matching themselves on it,
in-person verification by council staff and partners, partners, and the staff log.

A verification sets the account's neighborhood and birth year (what every domain already reads) and
`verified_via`; from then on they change only through another verification (the account page
refuses, server/accounts/service.py). Every staff or partner action writes a StaffAction row in the
same transaction as the change it records."""

from __future__ import annotations

import datetime as dt

import msgspec
from piccolo.query.functions.aggregate import Count

from server import clock
from server.accounts.tables import Account
from server.database import is_unique_violation, write_transaction
from server.i18n import gettext as _
from server.neighborhoods.tables import Neighborhood
from server.secret import secret_key
from server.verification import roll
from server.verification.schemas import (
    DeskAccount,
    PartnerView,
    RollStatus,
    StaffActionView,
    VerificationView,
)
from server.verification.tables import Partner, RollEntry, RollImport, StaffAction, Verification


class VerificationError(Exception):
    """Something the person can be told in words; the type says which."""


class RollConflict(VerificationError):
    """Rows already on the roll with other details: the import would silently change them."""

    def __init__(self, errors: list[roll.RowError]) -> None:
        super().__init__(f"{len(errors)} conflicting row(s)")
        self.errors = errors


class NoMatch(VerificationError):
    pass


class AlreadyClaimed(VerificationError):
    """The roll entry verifies another account: one person, one account."""


class UnknownAccount(VerificationError):
    pass


class NotPartner(VerificationError):
    """Only residents (not staff or moderators) are made partners; removing needs a partner."""


def roll_key() -> bytes:
    """The key of the roll's identifier hashes, derived from SECRET_KEY (server/verification/roll.py)."""
    return roll.roll_key(secret_key())


# ---- the roll ----------------------------------------------------------------------------------

class ImportResult(msgspec.Struct, frozen=True):
    added: int
    unchanged: int  # already on the roll with the same details


async def import_roll(rows: list[roll.RollRow], by: int | None, label: str = "") -> ImportResult:
    """Add parsed rows to the roll in one transaction: all of them or none. A row already on the roll
    with the same birth year and neighborhood is left as it is; with other details the whole import
    is refused (RollConflict), naming the rows, rather than silently changing a verified person."""
    hashes = [r.identifier_hash for r in rows]
    async with write_transaction():
        existing: dict[str, dict[str, object]] = {}
        for start in range(0, len(hashes), 1000):
            for r in await RollEntry.select(RollEntry.identifier_hash, RollEntry.birth_year,
                                            RollEntry.neighborhood).where(
                    RollEntry.identifier_hash.is_in(hashes[start:start + 1000])):
                existing[r["identifier_hash"]] = r
        message = _("This person is already on the roll with another birth year or neighborhood. "
                    "Nothing was imported.")
        conflicts = [roll.RowError(r.row, "identifier", message)
                     for r in rows if _differs(existing.get(r.identifier_hash), r)]
        if conflicts:
            raise RollConflict(conflicts)
        new = [r for r in rows if r.identifier_hash not in existing]
        created = await RollImport.insert(RollImport(imported_by=by, label=label[:120], added=len(new))).returning(
            RollImport.id)
        import_id = created[0]["id"]
        for start in range(0, len(new), 1000):
            await RollEntry.insert(*[
                RollEntry(identifier_hash=r.identifier_hash, birth_year=r.birth_year,
                          neighborhood=r.neighborhood_id, roll_import=import_id)
                for r in new[start:start + 1000]])
        await StaffAction.insert(StaffAction(actor=by, action="import_roll", detail=str(len(new))))
    return ImportResult(len(new), len(rows) - len(new))


def _differs(stored: dict[str, object] | None, row: roll.RollRow) -> bool:
    return stored is not None and (
        stored["birth_year"] != row.birth_year or stored["neighborhood"] != row.neighborhood_id)


async def roll_status() -> RollStatus:
    entries = await RollEntry.count()
    claimed = await RollEntry.count().where(RollEntry.claimed_by.is_not_null())
    last = await RollImport.select(RollImport.imported_at).order_by(RollImport.imported_at, ascending=False).first()
    return RollStatus(entries, claimed, last["imported_at"] if last else None)


async def roll_available() -> bool:
    return await RollEntry.exists()


async def match_self(account_id: int, identifier: str, birth_year: int, now: dt.datetime | None = None) -> None:
    """Verify an account against the roll: the identifier and birth year must match one entry, which
    then belongs to this account alone. Raises NoMatch or AlreadyClaimed. Two accounts racing for one
    entry: the conditional update lets only one claim it (the other sees it claimed), and the unique
    index on `claimed_by` keeps one account to one entry."""
    now = now or clock.now()
    wanted = roll.identifier_hash(roll_key(), identifier)
    try:
        async with write_transaction():
            entry = await RollEntry.select(RollEntry.id, RollEntry.birth_year, RollEntry.neighborhood,
                                           RollEntry.claimed_by).where(RollEntry.identifier_hash == wanted).first()
            if entry is None or entry["birth_year"] != birth_year:
                raise NoMatch()
            if entry["claimed_by"] not in (None, account_id):
                raise AlreadyClaimed()
            if entry["claimed_by"] is None:
                # Matching again with another entry (after moving, say) gives up the earlier one.
                await RollEntry.update({RollEntry.claimed_by: None, RollEntry.claimed_at: None}).where(
                    RollEntry.claimed_by == account_id)
                claimed = await RollEntry.update({RollEntry.claimed_by: account_id, RollEntry.claimed_at: now}).where(
                    (RollEntry.id == entry["id"]) & RollEntry.claimed_by.is_null()).returning(RollEntry.id)
                if not claimed:
                    raise AlreadyClaimed()
            await _record(account_id, "roll", int(entry["neighborhood"]), birth_year, None, "", now)
    except VerificationError:
        raise
    except Exception as exc:
        if is_unique_violation(exc):
            raise AlreadyClaimed() from exc
        raise


async def _record(account_id: int, method: str, neighborhood_id: int, birth_year: int, by: int | None,
                  organisation: str, now: dt.datetime) -> None:
    await Verification.insert(Verification(
        account=account_id, method=method, neighborhood=neighborhood_id, birth_year=birth_year, verified_by=by,
        organisation=organisation, verified_at=now))
    await Account.update({Account.neighborhood: neighborhood_id, Account.birth_year: birth_year,
                          Account.verified_via: method, Account.verified_at: now}).where(Account.id == account_id)


# ---- in person ---------------------------------------------------------------------------------

_DESK_COLUMNS = (Account.id, Account.display_name, Account.email, Account.neighborhood.id.as_alias("neighborhood_id"),
                 Account.neighborhood.name.as_alias("neighborhood_name"), Account.birth_year, Account.verified_via)


async def desk_account(email: str) -> DeskAccount | None:
    """The resident's account for this address (staff and partner accounts are not verified here)."""
    row = await Account.select(*_DESK_COLUMNS).where(
        (Account.email == email.strip().lower()) & (Account.role == "resident")).first()
    return msgspec.convert(row, DeskAccount) if row else None


async def desk_account_by_id(account_id: int) -> DeskAccount:
    row = await Account.select(*_DESK_COLUMNS).where(Account.id == account_id).first()
    assert row is not None
    return msgspec.convert(row, DeskAccount)


async def _organisation(account_id: int) -> str:
    row = await Partner.select(Partner.organisation).where(Partner.account == account_id).first()
    return row["organisation"] if row else ""


async def verify_in_person(email: str, neighborhood_id: int, birth_year: int, by: int,
                           now: dt.datetime | None = None) -> DeskAccount:
    """Record that council staff or a partner (`by`) saw this resident and checked where they live and
    their year of birth. Nothing from their papers is kept. Raises UnknownAccount."""
    now = now or clock.now()
    organisation = await _organisation(by)
    async with write_transaction():
        account = await desk_account(email)
        if account is None:
            raise UnknownAccount()
        await _record(account.id, "in_person", neighborhood_id, birth_year, by, organisation, now)
        await StaffAction.insert(StaffAction(actor=by, action="verify_in_person", subject=account.id,
                                             organisation=organisation, at=now))
    found = await desk_account(email)
    assert found is not None
    return found


async def current_verification(account_id: int) -> VerificationView | None:
    row = await Verification.select(
        Verification.method, Verification.neighborhood.name.as_alias("neighborhood_name"), Verification.birth_year,
        Verification.verified_at, Verification.verified_by.display_name.as_alias("verified_by"),
        Verification.organisation,
    ).where(Verification.account == account_id).order_by(Verification.verified_at, ascending=False).order_by(
        Verification.id, ascending=False).first()
    if row is None:
        return None
    return msgspec.convert({**row, "verified_by": row["verified_by"] or ""}, VerificationView)


# ---- partners ----------------------------------------------------------------------------------

async def add_partner(email: str, organisation: str, by: int) -> int:
    """Give a resident's account the partner role for an organisation (or rename its organisation).
    Raises UnknownAccount, or NotPartner for staff and moderator accounts (their role is not changed)."""
    async with write_transaction():
        row = await Account.select(Account.id, Account.role).where(Account.email == email.strip().lower()).first()
        if row is None:
            raise UnknownAccount()
        if row["role"] not in ("resident", "partner"):
            raise NotPartner()
        existing = await Partner.select(Partner.id).where(Partner.account == row["id"]).first()
        if existing:
            await Partner.update({Partner.organisation: organisation}).where(Partner.id == existing["id"])
        else:
            await Partner.insert(Partner(account=row["id"], organisation=organisation, added_by=by))
        await Account.update({Account.role: "partner"}).where(Account.id == row["id"])
        await StaffAction.insert(StaffAction(actor=by, action="add_partner", subject=row["id"],
                                             organisation=organisation))
    return int(row["id"])


async def remove_partner(account_id: int, by: int) -> None:
    """The account becomes a resident again; its verifications stay, and so does the log."""
    async with write_transaction():
        row = await Partner.select(Partner.id, Partner.organisation).where(Partner.account == account_id).first()
        if row is None:
            raise NotPartner()
        await Partner.delete().where(Partner.id == row["id"])
        await Account.update({Account.role: "resident"}).where(
            (Account.id == account_id) & (Account.role == "partner"))
        await StaffAction.insert(StaffAction(actor=by, action="remove_partner", subject=account_id,
                                             organisation=row["organisation"]))


async def partners() -> list[PartnerView]:
    """Every partner with how many residents each verified in person (in one query each)."""
    rows = await Partner.select(
        Partner.account.id.as_alias("account_id"), Partner.account.display_name.as_alias("display_name"),
        Partner.account.email.as_alias("email"), Partner.organisation, Partner.added_at,
    ).order_by(Partner.organisation)
    counts = {r["verified_by"]: r["n"] for r in await Verification.select(
        Verification.verified_by, Count(Verification.id, alias="n")).where(
        (Verification.method == "in_person") & Verification.verified_by.is_in([r["account_id"] for r in rows] or [0])
    ).group_by(Verification.verified_by)}
    return [PartnerView(**r, verifications=counts.get(r["account_id"], 0)) for r in rows]


async def organisations() -> list[str]:
    """The partner organisations, for the public page on where to get verified."""
    return sorted({r["organisation"] for r in await Partner.select(Partner.organisation)}, key=str.casefold)


async def staff_log(limit: int = 100) -> list[StaffActionView]:
    rows = await StaffAction.select(
        StaffAction.at, StaffAction.actor.display_name.as_alias("actor"), StaffAction.action,
        StaffAction.subject.display_name.as_alias("subject"), StaffAction.organisation, StaffAction.detail,
    ).order_by(StaffAction.at, ascending=False).order_by(StaffAction.id, ascending=False).limit(limit)
    return [StaffActionView(r["at"], r["actor"] or "", r["action"], r["subject"] or "", r["organisation"],
                            r["detail"]) for r in rows]


async def neighborhood_names() -> dict[str, int]:
    return {r["name"]: r["id"] for r in await Neighborhood.select(Neighborhood.id, Neighborhood.name)}
