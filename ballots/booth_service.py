"""Polling booths: checking a voter in before a paper sheet is handed out. A file of its own beside
service.py, which it builds on.

A check-in writes the voter's Participation row, the same row an online ballot writes, so the unique
indexes on participation decide every race: a check-in and an online cast of the same person at the
same moment, or two check-ins at two booths, cannot both succeed, on either engine. Who checked the
voter in is kept (BoothCheckIn), with the day only and no sheet reference: the sheet itself goes into
the ballot box and is typed in later with nothing that says whose it was (ballots/DESIGN.md)."""

from __future__ import annotations

import datetime as dt

import msgspec
from piccolo.query.functions.aggregate import Count

from ballots import batch_service, codes
from ballots.eligibility import Refusal, age_band, age_in_closing_year
from ballots.schemas import BallotView
from ballots.service import (
    INELIGIBLE,
    BallotError,
    Ineligible,
    NotOpen,
    VoterRecord,
    code_batch_allows,
    find_code,
    get_ballot,
    list_ballots,
    voter_standing,
)
from ballots.tables import BoothCheckIn, Participation
from server import clock
from server.accounts.tables import Account
from server.database import is_unique_violation, write_transaction


class VotedOnline(BallotError):
    """This voter has already voted on this ballot online (or with their code): no sheet."""


class AlreadyCheckedIn(BallotError):
    """This voter was already checked in at a booth and handed a sheet."""


class UnknownVoter(BallotError):
    """No account with that email, or no code of this ballot matches what was typed."""


class CheckedIn(msgspec.Struct, frozen=True):
    voter: str  # the account's name, or "code" for a code voter
    age_band: str  # the band a sheet for this voter is entered with ("" when unknown)


async def _open(ballot_id: int, now: dt.datetime) -> BallotView:
    ballot = await get_ballot(ballot_id, now)
    if ballot is None or ballot.state != "open":
        raise NotOpen()
    return ballot


async def _record(ballot: BallotView, by: int, now: dt.datetime, *, account: int | None = None,
                  code: int | None = None) -> None:
    """The participation row and the check-in in one transaction; the participation row's unique
    index turns the loser of any race into VotedOnline or AlreadyCheckedIn. A code's batch is read
    in the same transaction, as casting does (a void at the same moment stops one or the other)."""
    ballot_id = ballot.id
    try:
        async with write_transaction():
            if code is not None:
                await code_batch_allows(ballot, code)
            await Participation.insert(Participation(ballot=ballot_id, account=account, access_code=code))
            await BoothCheckIn.insert(BoothCheckIn(ballot=ballot_id, account=account, access_code=code,
                                                   checked_in_by=by, checked_in_on=clock.local_date(now)))
    except Exception as exc:
        if not is_unique_violation(exc):
            raise
        column = BoothCheckIn.account == account if account is not None else BoothCheckIn.access_code == code
        if await BoothCheckIn.exists().where((BoothCheckIn.ballot == ballot_id) & column):
            raise AlreadyCheckedIn() from exc
        raise VotedOnline() from exc


async def check_in_account(ballot_id: int, email: str, by: int, now: dt.datetime | None = None) -> CheckedIn:
    """Check in a resident with an account (verified or not, as the ballot's rules say: the same
    standing online voting uses). Raises NotOpen, UnknownVoter, Ineligible, VotedOnline,
    AlreadyCheckedIn."""
    current = now or clock.now()
    ballot = await _open(ballot_id, current)
    row = await Account.select(Account.id, Account.display_name, Account.neighborhood, Account.birth_year,
                               Account.confirmed_at, Account.verified_via).where(
        Account.email == email.strip().lower()).first()
    if row is None:
        raise UnknownVoter()
    # The same voter record online voting checks (confirmed, verified), so a booth follows the
    # ballot's `voters` setting exactly as the vote page does.
    voter = VoterRecord(row["id"], row["neighborhood"], row["birth_year"], row["confirmed_at"] is not None,
                        row["verified_via"] or "")
    standing = await voter_standing(ballot, voter, check_voted=False)
    if standing.kind == INELIGIBLE:
        raise Ineligible(standing.refusal or Refusal.WRONG_NEIGHBORHOOD)
    await _record(ballot, by, current, account=row["id"])
    return CheckedIn(str(row["display_name"]), age_band(age_in_closing_year(voter.birth_year, ballot.closes_at.year)))


async def check_in_code(ballot_id: int, typed: str, by: int, now: dt.datetime | None = None) -> CheckedIn:
    """Check in a code holder: the code is their credential, and is used up by the check-in.
    Raises NotOpen, UnknownVoter, CodeVoided, CodeMisfit, VotedOnline, AlreadyCheckedIn."""
    current = now or clock.now()
    ballot = await _open(ballot_id, current)
    match = await find_code(typed, current) if codes.looks_valid(codes.normalize(typed), codes.CODE_LENGTH) else None
    if match is None or match.ballot_id != ballot_id:
        raise UnknownVoter()
    band = batch_service.code_band(ballot, match.batch_status, match.age_min, match.age_max)
    await _record(ballot, by, current, code=match.code_id)
    return CheckedIn("code", band)


async def voted_on_paper(ballot_id: int, voter: tuple[str, int]) -> bool:
    """Whether this voter ("account" or "code", id) was checked in at a booth for this ballot: the
    pages tell them why they cannot vote online."""
    kind, ident = voter
    column = BoothCheckIn.account if kind == "account" else BoothCheckIn.access_code
    return await BoothCheckIn.exists().where((BoothCheckIn.ballot == ballot_id) & (column == ident))


async def check_ins_by_staff(ballot_id: int) -> list[tuple[str, str, int]]:
    """How many voters each council member or partner checked in on a ballot: (name, role, count)."""
    rows = await BoothCheckIn.select(
        BoothCheckIn.checked_in_by.display_name.as_alias("name"), BoothCheckIn.checked_in_by.role.as_alias("role"),
        Count(alias="n"),
    ).where(BoothCheckIn.ballot == ballot_id).group_by(
        BoothCheckIn.checked_in_by.display_name, BoothCheckIn.checked_in_by.role)
    return sorted((str(r["name"]), str(r["role"]), int(r["n"])) for r in rows)


async def my_check_ins(ballot_id: int, by: int) -> int:
    return await BoothCheckIn.count().where((BoothCheckIn.ballot == ballot_id) & (BoothCheckIn.checked_in_by == by))


async def open_ballots(now: dt.datetime | None = None) -> list[BallotView]:
    """Ballots a booth can check voters in for now."""
    return [b for b in await list_ballots(None, now) if b.state == "open"]
