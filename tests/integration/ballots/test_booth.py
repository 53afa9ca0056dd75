"""Booths and paper sheets on both engines (issue 15): a check-in before a sheet is handed out, races
between check-ins and online casting, sheets entered after the close until the result is published,
and publishing refused while sheets wait."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from factories.ballots import NOW, make_ballot, make_codes
from piccolo.engine.base import Engine
from support import make_account

from ballots import booth_service, service
from ballots.counting import service as counting
from ballots.results import service as results
from ballots.tables import BoothCheckIn, Participation, SealedBallot


async def test_a_voter_checked_in_at_a_booth_cannot_vote_online(db: Engine) -> None:
    s = await make_ballot()
    partner = await make_account("partner", name="St. Mark's Hall")
    voter = await make_account(neighborhood_id=s.hood, birth_year=1980)
    done = await booth_service.check_in_account(s.ballot_id, voter.email.upper(), partner.id)
    assert done.age_band == "45-64"
    with pytest.raises(service.AlreadyVoted):
        await service.cast_online(s.ballot_id, voter.id, [s.proposals[0]])
    assert await booth_service.voted_on_paper(s.ballot_id, ("account", voter.id))
    with pytest.raises(booth_service.AlreadyCheckedIn):
        await booth_service.check_in_account(s.ballot_id, voter.email, s.council_id)
    assert await booth_service.check_ins_by_staff(s.ballot_id) == [("St. Mark's Hall", "partner", 1)]
    # The check-in keeps who checked in and the day, never a time or a sheet.
    [row] = await BoothCheckIn.select()
    assert set(row) == {"id", "ballot", "account", "access_code", "checked_in_by", "checked_in_on"}
    assert await SealedBallot.count() == 0  # a check-in casts nothing: the sheet does, once typed in twice


async def test_someone_who_voted_online_is_refused_a_sheet(db: Engine) -> None:
    s = await make_ballot()
    voter = await make_account(neighborhood_id=s.hood)
    await service.cast_online(s.ballot_id, voter.id, [s.proposals[0]])
    with pytest.raises(booth_service.VotedOnline):
        await booth_service.check_in_account(s.ballot_id, voter.email, s.council_id)
    assert not await booth_service.voted_on_paper(s.ballot_id, ("account", voter.id))


async def test_a_booth_checks_eligibility_as_online_voting_does(db: Engine) -> None:
    s = await make_ballot()
    elsewhere = await make_account()
    with pytest.raises(service.Ineligible):
        await booth_service.check_in_account(s.ballot_id, elsewhere.email, s.council_id)
    with pytest.raises(booth_service.UnknownVoter):
        await booth_service.check_in_account(s.ballot_id, "nobody@example.org", s.council_id)
    assert await Participation.count() == 0


async def test_a_code_holder_checked_in_uses_up_the_code(db: Engine) -> None:
    s = await make_ballot()
    [code, other] = await make_codes(s.ballot_id, 2)
    await booth_service.check_in_code(s.ballot_id, code.lower(), s.council_id)
    match = await service.find_code(code)
    assert match is not None and match.used
    with pytest.raises(service.AlreadyVoted):
        await service.cast_with_code(s.ballot_id, match.code_id, [s.proposals[0]])
    with pytest.raises(booth_service.AlreadyCheckedIn):
        await booth_service.check_in_code(s.ballot_id, code, s.council_id)
    theirs = await service.find_code(other)
    assert theirs is not None
    await service.cast_with_code(s.ballot_id, theirs.code_id, [s.proposals[0]])
    with pytest.raises(booth_service.VotedOnline):
        await booth_service.check_in_code(s.ballot_id, other, s.council_id)
    with pytest.raises(booth_service.UnknownVoter):
        await booth_service.check_in_code(s.ballot_id, "ABCDE-FGH23", s.council_id)


async def test_two_booths_checking_in_one_voter_at_once_hand_out_one_sheet(db: Engine) -> None:
    s = await make_ballot()
    voter = await make_account(neighborhood_id=s.hood)
    staff = [await make_account("partner") for _ in range(6)]
    results = await asyncio.gather(*[booth_service.check_in_account(s.ballot_id, voter.email, p.id) for p in staff],
                                   return_exceptions=True)
    assert sum(isinstance(r, booth_service.CheckedIn) for r in results) == 1, results
    assert all(isinstance(r, booth_service.AlreadyCheckedIn) for r in results
               if not isinstance(r, booth_service.CheckedIn))
    assert await BoothCheckIn.count() == 1 and await Participation.count() == 1


async def test_a_check_in_and_an_online_cast_at_once_cannot_both_succeed(db: Engine) -> None:
    for round_ in range(4):
        s = await make_ballot(f"Hood {round_}")
        voter = await make_account(neighborhood_id=s.hood)
        attempts = []
        for i in range(6):
            if i % 2:
                attempts.append(booth_service.check_in_account(s.ballot_id, voter.email, s.council_id))
            else:
                attempts.append(service.cast_online(s.ballot_id, voter.id, [s.proposals[0]]))
        results = await asyncio.gather(*attempts, return_exceptions=True)
        won = [r for r in results if isinstance(r, str | booth_service.CheckedIn)]
        assert len(won) == 1, results
        assert all(isinstance(r, service.AlreadyVoted | booth_service.AlreadyCheckedIn | booth_service.VotedOnline)
                   for r in results if r not in won), results
        cast = await SealedBallot.count().where(SealedBallot.ballot == s.ballot_id)
        checked = await BoothCheckIn.count().where(BoothCheckIn.ballot == s.ballot_id)
        assert cast + checked == 1
        assert await Participation.count().where(Participation.ballot == s.ballot_id) == 1


async def test_a_code_checked_in_and_cast_at_once_counts_once(db: Engine) -> None:
    s = await make_ballot()
    [code] = await make_codes(s.ballot_id, 1)
    match = await service.find_code(code)
    assert match is not None
    results = await asyncio.gather(
        booth_service.check_in_code(s.ballot_id, code, s.council_id),
        service.cast_with_code(s.ballot_id, match.code_id, [s.proposals[0]]),
        booth_service.check_in_code(s.ballot_id, code, s.council_id),
        service.cast_with_code(s.ballot_id, match.code_id, [s.proposals[1]]),
        return_exceptions=True)
    assert sum(isinstance(r, str | booth_service.CheckedIn) for r in results) == 1, results
    assert await Participation.count() == 1


async def test_sheets_are_entered_after_the_close_until_the_result_is_published(db: Engine) -> None:
    s = await make_ballot(opens=NOW - dt.timedelta(days=5), closes=NOW - dt.timedelta(days=1))
    second = await make_account("council")
    ranking = [s.proposals[0], s.proposals[1]]
    assert await service.enter_paper(s.ballot_id, s.council_id, "B-7", ranking) == "pending"
    # One sheet, however its reference is typed: the second entry of "b 7" confirms "B-7".
    assert await service.enter_paper(s.ballot_id, second.id, "b 7", ranking) == "confirmed"
    with pytest.raises(service.SheetClosed):
        await service.enter_paper(s.ballot_id, s.council_id, "B7", ranking)
    with pytest.raises(service.BadSheetRef):
        await service.enter_paper(s.ballot_id, s.council_id, " - ", ranking)
    assert [p.sheet_ref for p in await service.paper_sheets(s.ballot_id)] == ["B-7"]  # shown as first typed
    assert await service.enter_paper(s.ballot_id, s.council_id, "B-8", ranking) == "pending"
    count = await counting.count_ballot(s.ballot_id)
    assert count.status == "done" and count.ballots_counted == 1
    with pytest.raises(results.PublishError) as refused:
        await results.publish(s.ballot_id, count.id, "Thank you", s.council_id)
    assert refused.value.code == "sheets_waiting"
    assert [w.sheet_ref for w in await service.sheets_waiting(s.ballot_id)] == ["B-8"]
    assert await service.enter_paper(s.ballot_id, second.id, "B-8", list(reversed(ranking))) == "mismatch"
    with pytest.raises(results.PublishError):
        await results.publish(s.ballot_id, count.id, "Thank you", s.council_id)
    [flagged] = await service.paper_sheets(s.ballot_id, "mismatch")
    await service.discard_sheet(s.ballot_id, flagged.id)
    # No sheet waits now, and the discarded one never counted: this count is current and publishes.
    published = await results.publish(s.ballot_id, count.id, "Thank you", s.council_id)
    assert published.version == 1
    # Once published, no sheet is accepted any more.
    with pytest.raises(service.NotOpen):
        await service.enter_paper(s.ballot_id, s.council_id, "B-9", ranking)


async def test_a_sheet_confirmed_after_the_count_needs_a_new_count_before_publishing(db: Engine) -> None:
    s = await make_ballot(opens=NOW - dt.timedelta(days=5), closes=NOW - dt.timedelta(days=1))
    second = await make_account("council")
    first_count = await counting.count_ballot(s.ballot_id)
    await service.enter_paper(s.ballot_id, s.council_id, "C-1", [s.proposals[2]])
    await service.enter_paper(s.ballot_id, second.id, "C-1", [s.proposals[2]])
    with pytest.raises(results.PublishError) as refused:
        await results.publish(s.ballot_id, first_count.id, "Thank you", s.council_id)
    assert refused.value.code == "count_outdated"
    recount = await counting.count_ballot(s.ballot_id)
    assert recount.ballots_counted == 1
    await results.publish(s.ballot_id, recount.id, "Thank you", s.council_id)
    # The late sheet was written out with the others: sealed rows are gone, the ballot is anonymous.
    assert await SealedBallot.count() == 0
    assert await service.counted_ballots(s.ballot_id) == [([s.proposals[2]], 1)]
