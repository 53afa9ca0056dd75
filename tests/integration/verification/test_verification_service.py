"""Verification on a real database (both engines): the roll imports all or nothing, a roll entry
verifies one account even when two race for it, in-person verification records who and how, and a
verified resident's neighborhood changes only through a new verification."""

from __future__ import annotations

import asyncio

import pytest
from support import make_account, make_neighborhood

from server.accounts import service as accounts
from server.current_user import load_viewer
from server.secret import secret_key
from server.verification import roll, service
from server.verification.tables import RollEntry, StaffAction, Verification


async def _import(text: str, by: int | None = None) -> service.ImportResult:
    rows, errors = roll.parse_roll(text, await service.neighborhood_names(), 2026, roll.roll_key(secret_key()))
    assert errors == []
    return await service.import_roll(rows, by)


async def test_the_roll_keeps_only_keyed_hashes_and_reimports_add_nothing_twice(db: object) -> None:
    await make_neighborhood("Riverside")
    result = await _import("identifier,birth_year,neighborhood\nRS-1001,1988,Riverside\nRS-1002,1961,Riverside\n")
    assert result == service.ImportResult(2, 0)
    stored = [r["identifier_hash"] for r in await RollEntry.select(RollEntry.identifier_hash)]
    assert all(len(h) == 64 and "1001" not in h for h in stored)
    again = await _import("identifier,birth_year,neighborhood\nrs 1001,1988,Riverside\nRS-1003,1990,Riverside\n")
    assert again == service.ImportResult(1, 1)
    assert (await service.roll_status()).entries == 3


async def test_an_import_that_would_change_someone_imports_nothing(db: object) -> None:
    await make_neighborhood("Riverside")
    await make_neighborhood("Old Town")
    await _import("identifier,birth_year,neighborhood\nRS-1001,1988,Riverside\n")
    text = "identifier,birth_year,neighborhood\nRS-2000,1970,Riverside\nRS-1001,1988,Old Town\n"
    rows, _errors = roll.parse_roll(text, await service.neighborhood_names(), 2026, roll.roll_key(secret_key()))
    with pytest.raises(service.RollConflict) as conflict:
        await service.import_roll(rows, None)
    assert [(e.row, e.column) for e in conflict.value.errors] == [(3, "identifier")]
    assert await RollEntry.count() == 1  # RS-2000 was not added either


async def test_a_resident_matches_themselves_and_the_roll_sets_neighborhood_and_year(db: object) -> None:
    riverside = await make_neighborhood("Riverside")
    await _import("identifier,birth_year,neighborhood\nRS-1001,1988,Riverside\n")
    viewer = await make_account(neighborhood_id=await make_neighborhood("Old Town"), birth_year=1990)
    with pytest.raises(service.NoMatch):
        await service.match_self(viewer.id, "RS-1001", 1987)  # the year must match too
    with pytest.raises(service.NoMatch):
        await service.match_self(viewer.id, "RS-9999", 1988)
    await service.match_self(viewer.id, "rs1001", 1988)
    after = await load_viewer(viewer.id)
    assert after is not None and after.verified_via == "roll"
    assert (after.neighborhood_id, after.birth_year) == (riverside, 1988)
    current = await service.current_verification(viewer.id)
    assert current is not None and current.method == "roll" and current.verified_by == ""
    # Another account cannot take the same entry.
    other = await make_account()
    with pytest.raises(service.AlreadyClaimed):
        await service.match_self(other.id, "RS-1001", 1988)
    await service.match_self(viewer.id, "RS-1001", 1988)  # matching again is harmless


async def test_two_simultaneous_matches_for_one_roll_entry_verify_one_account(db: object) -> None:
    await make_neighborhood("Riverside")
    await _import("identifier,birth_year,neighborhood\nRS-1001,1988,Riverside\n")
    first, second = await make_account(), await make_account()
    outcomes = await asyncio.gather(service.match_self(first.id, "RS-1001", 1988),
                                    service.match_self(second.id, "RS-1001", 1988), return_exceptions=True)
    assert sorted(type(o).__name__ for o in outcomes) == ["AlreadyClaimed", "NoneType"]
    assert await Verification.count() == 1
    verified = [v for v in [await load_viewer(first.id), await load_viewer(second.id)] if v and v.verified]
    assert len(verified) == 1
    claimed = await RollEntry.select(RollEntry.claimed_by).first()
    assert claimed["claimed_by"] == verified[0].id


async def test_in_person_verification_records_who_how_and_when_and_is_logged(db: object) -> None:
    hood = await make_neighborhood("Eastgate")
    partner = await make_account()
    council = await make_account("council")
    await service.add_partner(partner.email, "Eastgate Youth Center", by=council.id)
    resident = await make_account(birth_year=2000)
    found = await service.verify_in_person(resident.email, hood, 2011, by=partner.id)
    assert (found.neighborhood_id, found.birth_year, found.verified_via) == (hood, 2011, "in_person")
    current = await service.current_verification(resident.id)
    assert current is not None
    assert (current.method, current.organisation, current.verified_by) == (
        "in_person", "Eastgate Youth Center", partner.display_name)
    actions = [(r["action"], r["organisation"]) for r in await StaffAction.select(
        StaffAction.action, StaffAction.organisation).order_by(StaffAction.id)]
    assert actions == [("add_partner", "Eastgate Youth Center"), ("verify_in_person", "Eastgate Youth Center")]
    [row] = await service.partners()
    assert (row.organisation, row.verifications) == ("Eastgate Youth Center", 1)
    with pytest.raises(service.UnknownAccount):
        await service.verify_in_person("nobody@example.org", hood, 2011, by=partner.id)
    with pytest.raises(service.UnknownAccount):  # staff accounts are not verified at the desk
        await service.verify_in_person(council.email, hood, 1980, by=partner.id)


async def test_a_verified_neighborhood_changes_only_through_a_new_verification(db: object) -> None:
    hood, elsewhere = await make_neighborhood("Riverside"), await make_neighborhood("Hillcrest")
    council = await make_account("council")
    resident = await make_account()
    await service.verify_in_person(resident.email, hood, 1990, by=council.id)
    with pytest.raises(accounts.VerifiedDetails):
        await accounts.update_profile(resident.id, "New Name", elsewhere)
    await accounts.update_profile(resident.id, "New Name", hood)  # the name alone may change
    await service.verify_in_person(resident.email, elsewhere, 1990, by=council.id)
    after = await load_viewer(resident.id)
    assert after is not None and after.neighborhood_id == elsewhere and after.display_name == "New Name"


async def test_partners_are_residents_given_the_role_and_can_be_removed(db: object) -> None:
    council = await make_account("council")
    moderator = await make_account("moderator")
    with pytest.raises(service.NotPartner):
        await service.add_partner(moderator.email, "Club", by=council.id)
    with pytest.raises(service.UnknownAccount):
        await service.add_partner("nobody@example.org", "Club", by=council.id)
    resident = await make_account()
    partner_id = await service.add_partner(resident.email, "St. Mark's", by=council.id)
    assert (await load_viewer(partner_id)).is_partner  # type: ignore[union-attr]
    assert await service.organisations() == ["St. Mark's"]
    await service.remove_partner(partner_id, by=council.id)
    assert (await load_viewer(partner_id)).role == "resident"  # type: ignore[union-attr]
    assert await service.partners() == []
