"""Casting on both engines: eligibility, one voter one ballot under concurrency, codes, receipts,
replacement, paper double entry, frozen settings, turnout and what the counting receives."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from factories.ballots import NOW, make_ballot, make_codes, settings_for
from piccolo.engine.base import Engine
from support import make_account, make_neighborhood

from ballots import batch_service, service
from ballots.eligibility import Refusal
from ballots.tables import CastBallot, Participation, SealedBallot


async def test_resident_casts_and_receipt_shows_the_ranking(db: Engine) -> None:
    s = await make_ballot()
    voter = await make_account(neighborhood_id=s.hood, birth_year=1980)
    ranking = [s.proposals[2], s.proposals[0]]
    receipt = await service.cast_online(s.ballot_id, voter.id, ranking)
    assert len(receipt) == 19 and receipt.count("-") == 3
    seen = await service.lookup_receipt(receipt.lower().replace("-", " "))
    assert seen is not None and [c.proposal_id for c in seen.ranking] == ranking
    assert seen.can_replace and not seen.superseded and seen.origin == "online"
    assert await service.counted_ballots(s.ballot_id) == [(ranking, 1)]
    assert await service.lookup_receipt("AAAA-BBBB-CCCC-DDDD") is None


async def test_ineligible_residents_cannot_vote(db: Engine) -> None:
    s = await make_ballot()
    other = await make_account(neighborhood_id=await make_neighborhood("Hillcrest"))
    with pytest.raises(service.Ineligible) as info:
        await service.cast_online(s.ballot_id, other.id, [s.proposals[0]])
    assert info.value.refusal is Refusal.WRONG_NEIGHBORHOOD
    youth = await make_ballot("Eastgate", city_wide=True, age_min=12, age_max=22)
    year = NOW.year  # the ballot closes this year (a week from now) unless the year turns
    closing_year = (NOW + dt.timedelta(days=7)).year
    too_old = await make_account(neighborhood_id=other.neighborhood_id, birth_year=closing_year - 23)
    too_young = await make_account(neighborhood_id=other.neighborhood_id, birth_year=closing_year - 11)
    oldest = await make_account(neighborhood_id=other.neighborhood_id, birth_year=closing_year - 22)
    for account, refusal in ((too_old, Refusal.TOO_OLD), (too_young, Refusal.TOO_YOUNG)):
        with pytest.raises(service.Ineligible) as info:
            await service.cast_online(youth.ballot_id, account.id, [youth.proposals[0]])
        assert info.value.refusal is refusal
    assert year
    await service.cast_online(youth.ballot_id, oldest.id, [youth.proposals[0]])  # city-wide: any neighborhood
    assert await SealedBallot.count().where(SealedBallot.ballot == youth.ballot_id) == 1


async def test_twenty_concurrent_casts_leave_one_ballot(db: Engine) -> None:
    s = await make_ballot()
    voter = await make_account(neighborhood_id=s.hood)
    results = await asyncio.gather(
        *[service.cast_online(s.ballot_id, voter.id, [s.proposals[i % 4]]) for i in range(20)],
        return_exceptions=True,
    )
    receipts = [r for r in results if isinstance(r, str)]
    assert len(receipts) == 1
    assert all(isinstance(r, service.AlreadyVoted) for r in results if not isinstance(r, str)), results
    assert await SealedBallot.count().where(SealedBallot.ballot == s.ballot_id) == 1
    assert await Participation.count().where(Participation.ballot == s.ballot_id) == 1


async def test_codes_are_single_use_even_concurrently(db: Engine) -> None:
    s = await make_ballot()
    plain = await make_codes(s.ballot_id, 3, "Library event")
    assert len(set(plain)) == 3 and all(len(c) == 11 and c[5] == "-" for c in plain)
    match = await service.find_code(plain[0].lower().replace("-", ""))
    assert match is not None and match.ballot_id == s.ballot_id and not match.used
    results = await asyncio.gather(
        *[service.cast_with_code(s.ballot_id, match.code_id, [s.proposals[1]]) for _ in range(10)],
        return_exceptions=True,
    )
    assert sum(isinstance(r, str) for r in results) == 1
    again = await service.find_code(plain[0])
    assert again is not None and again.used
    with pytest.raises(service.AlreadyVoted):
        await service.cast_with_code(s.ballot_id, match.code_id, [s.proposals[1]])
    assert await service.find_code("ZZZZZ-ZZZZZ") is None
    batches = await batch_service.batches_of(s.ballot_id)
    assert [(b.quantity, b.used, b.name) for b in batches] == [(3, 1, "Library event")]


async def test_replaced_ballot_stops_counting(db: Engine) -> None:
    s = await make_ballot()
    voter = await make_account(neighborhood_id=s.hood)
    first = await service.cast_online(s.ballot_id, voter.id, [s.proposals[0], s.proposals[1]])
    with pytest.raises(service.NotYourBallot):  # the receipt alone is not enough
        await service.replace_ballot(s.ballot_id, first, [s.proposals[3]])
    second = await service.replace_ballot(s.ballot_id, first, [s.proposals[3]], ("account", voter.id))
    assert second != first
    assert await service.counted_ballots(s.ballot_id) == [([s.proposals[3]], 1)]
    old = await service.lookup_receipt(first)
    assert old is not None and old.superseded and not old.can_replace
    assert (await service.turnout(s.ballot_id)).by_origin[0].fewer_than_five
    with pytest.raises(service.UnknownReceipt):
        await service.replace_ballot(s.ballot_id, first, [s.proposals[2]], ("account", voter.id))
    closed_later = NOW + dt.timedelta(days=8)
    with pytest.raises(service.NotOpen):
        await service.replace_ballot(s.ballot_id, second, [s.proposals[2]], now=closed_later)


async def test_bad_rankings_are_refused(db: Engine) -> None:
    s = await make_ballot(min_ranks=2, max_ranks=3)
    voter = await make_account(neighborhood_id=s.hood)
    for ranking in ([s.proposals[0]], [s.proposals[0], s.proposals[0]], s.proposals, [s.proposals[0], 999_999]):
        with pytest.raises(service.InvalidRanking):
            await service.cast_online(s.ballot_id, voter.id, ranking)
    assert await Participation.count() == 0


async def test_voting_outside_the_window_is_refused(db: Engine) -> None:
    s = await make_ballot()
    voter = await make_account(neighborhood_id=s.hood)
    for when in (NOW - dt.timedelta(days=2), NOW + dt.timedelta(days=8)):
        with pytest.raises(service.NotOpen):
            await service.cast_online(s.ballot_id, voter.id, [s.proposals[0]], now=when)
    codes = await make_codes(s.ballot_id, 1)
    assert await service.find_code(codes[0], now=NOW + dt.timedelta(days=8)) is None


async def test_paper_ballots_need_two_matching_entries_by_different_staff(db: Engine) -> None:
    s = await make_ballot()
    other_staff = await make_account("council", neighborhood_id=s.hood)
    third = await make_account("council", neighborhood_id=s.hood)
    ranking = [s.proposals[1], s.proposals[2]]
    assert await service.enter_paper(s.ballot_id, s.council_id, "A-001", ranking, "25-44") == "pending"
    assert await service.counted_ballots(s.ballot_id) == []
    with pytest.raises(service.SameStaff):
        await service.enter_paper(s.ballot_id, s.council_id, "A-001", ranking, "25-44")
    assert await service.enter_paper(s.ballot_id, other_staff.id, "A-001", ranking, "25-44") == "confirmed"
    assert await service.counted_ballots(s.ballot_id) == [(ranking, 1)]
    with pytest.raises(service.SheetClosed):
        await service.enter_paper(s.ballot_id, third.id, "A-001", ranking, "25-44")
    await service.enter_paper(s.ballot_id, s.council_id, "A-002", ranking)
    assert await service.enter_paper(s.ballot_id, other_staff.id, "A-002", list(reversed(ranking))) == "mismatch"
    assert await service.counted_ballots(s.ballot_id) == [(ranking, 1)]
    flagged = await service.paper_sheets(s.ballot_id, "mismatch")
    assert [f.sheet_ref for f in flagged] == ["A-002"]  # shown as first typed
    assert await service.discard_sheet(s.ballot_id, flagged[0].id)
    assert await service.enter_paper(s.ballot_id, third.id, "A-002", ranking) == "pending"
    assert await service.counted_ballots(s.ballot_id, origin="paper") == [(ranking, 1)]
    assert await service.counted_ballots(s.ballot_id, origin="online") == []
    origins = {g.key: g for g in (await service.turnout(s.ballot_id)).by_origin}
    assert origins["paper"].fewer_than_five


async def test_settings_frozen_after_opening_except_extension(db: Engine) -> None:
    s = await make_ballot()
    settings = settings_for(s.cycle_id, s.hood, s.proposals[:2], title="Changed")
    with pytest.raises(service.BallotLocked):
        await service.update_ballot(s.ballot_id, settings, s.council_id)
    ballot = await service.get_ballot(s.ballot_id)
    assert ballot is not None and ballot.title == "Riverside fund 2026" and len(ballot.candidates) == 4
    with pytest.raises(service.NotExtendable):
        await service.extend_ballot(s.ballot_id, ballot.closes_at - dt.timedelta(hours=1), s.council_id)
    later = ballot.closes_at + dt.timedelta(days=3)
    await service.extend_ballot(s.ballot_id, later, s.council_id)
    log = await service.changes(s.ballot_id)
    assert len(log) == 1 and log[0].field == "closes_at" and log[0].new_value == later.isoformat()
    assert log[0].old_value == ballot.closes_at.isoformat() and log[0].changed_by
    with pytest.raises(service.NotExtendable):
        await service.extend_ballot(s.ballot_id, later + dt.timedelta(days=1), s.council_id,
                                    now=later + dt.timedelta(seconds=1))


async def test_upcoming_ballot_can_be_edited(db: Engine) -> None:
    s = await make_ballot(opens=NOW + dt.timedelta(days=2), closes=NOW + dt.timedelta(days=9))
    settings = settings_for(s.cycle_id, s.hood, s.proposals[:2], title="Changed", max_ranks=2,
                            opens=NOW + dt.timedelta(days=2), closes=NOW + dt.timedelta(days=9))
    await service.update_ballot(s.ballot_id, settings, s.council_id)
    ballot = await service.get_ballot(s.ballot_id)
    assert ballot is not None and ballot.title == "Changed" and [c.proposal_id for c in ballot.candidates] == \
        s.proposals[:2]
    assert ballot.state == "upcoming"


async def test_cast_ballot_table_has_no_voter_column(db: Engine) -> None:
    columns = {c._meta.db_column_name for c in CastBallot._meta.columns}
    assert columns == {"id", "ballot", "ranking", "origin", "age_band", "receipt_hash", "cast_on", "superseded",
                       "fingerprint"}
    assert all(c._meta.db_column_name not in {"account", "access_code", "voter", "created_at"}
               for c in CastBallot._meta.columns)
    assert type(CastBallot._meta.primary_key).__name__ == "UUID"
    # And the table as the database has it, not only as the model says.
    if db.engine_type == "sqlite":
        rows = await CastBallot.raw("PRAGMA table_info(cast_ballot)")
        in_db = {r["name"] for r in rows}
    else:
        rows = await CastBallot.raw(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'cast_ballot'")
        in_db = {r["column_name"] for r in rows}
    assert in_db == columns
    assert type(CastBallot.cast_on).__name__ == "Date"


async def test_turnout_suppresses_small_groups_and_election_data(db: Engine) -> None:
    s = await make_ballot()
    for _ in range(7):
        voter = await make_account(neighborhood_id=s.hood, birth_year=1985)
        await service.cast_online(s.ballot_id, voter.id, [s.proposals[0], s.proposals[1]])
    voter = await make_account(neighborhood_id=s.hood, birth_year=1950)
    await service.cast_online(s.ballot_id, voter.id, [s.proposals[2]])
    view = await service.turnout(s.ballot_id)
    assert view.total == 8
    shown = {g.key: g.count for g in view.by_age}
    assert shown["65+"] is None  # one voter: fewer than five
    assert None in [shown[k] for k in shown if k != "65+"]  # a second band hidden so 8 - shown cannot reveal it
    data = await service.election_data(s.ballot_id)
    assert data is not None and data.budget == 100_000 and data.max_ranks == 3 and data.rule == "mes"
    assert [c.cost for c in data.candidates] == [40_000, 30_000, 25_000, 60_000]
    assert sorted(data.ballots) == [([s.proposals[0], s.proposals[1]], 7), ([s.proposals[2]], 1)]


async def test_list_puts_open_first_and_the_readers_neighborhood_first(db: Engine) -> None:
    river = await make_ballot("Riverside", title="River")
    hill = await make_ballot("Hillcrest", title="Hill")
    past = await make_ballot("Riverside", title="Past", opens=NOW - dt.timedelta(days=9),
                             closes=NOW - dt.timedelta(days=2))
    soon = await make_ballot("Riverside", title="Soon", opens=NOW + dt.timedelta(days=2),
                             closes=NOW + dt.timedelta(days=9))
    for_hill = [b.title for b in await service.list_ballots(hill.hood)]
    assert for_hill == ["Hill", "River", "Soon", "Past"]
    assert [b.title for b in await service.list_ballots(river.hood)][:2] == ["River", "Hill"]
    assert {b.state for b in await service.list_ballots()} == {"open", "upcoming", "closed"}
    assert [b.id for b in await service.open_ballots_for(hill.hood)] == [hill.ballot_id]
    assert past.ballot_id and soon.ballot_id


async def test_racing_replacements_and_second_entries_count_once(db: Engine) -> None:
    s = await make_ballot()
    voter = await make_account(neighborhood_id=s.hood)
    receipt = await service.cast_online(s.ballot_id, voter.id, [s.proposals[0]])
    results = await asyncio.gather(
        *[service.replace_ballot(s.ballot_id, receipt, [s.proposals[i % 4]], ("account", voter.id))
          for i in range(10)],
        return_exceptions=True,
    )
    assert sum(isinstance(r, str) for r in results) == 1
    assert all(isinstance(r, service.UnknownReceipt) for r in results if not isinstance(r, str))
    assert sum(w for _r, w in await service.counted_ballots(s.ballot_id)) == 1
    staff = [await make_account("council", neighborhood_id=s.hood) for _ in range(4)]
    ranking = [s.proposals[1]]
    await service.enter_paper(s.ballot_id, s.council_id, "R-1", ranking)
    outcomes = await asyncio.gather(
        *[service.enter_paper(s.ballot_id, who.id, "R-1", ranking) for who in staff], return_exceptions=True
    )
    assert outcomes.count("confirmed") == 1
    assert all(isinstance(o, service.SheetClosed) for o in outcomes if o != "confirmed")
    assert await service.counted_ballots(s.ballot_id, origin="paper") == [(ranking, 1)]


async def test_simultaneous_casts_spread_over_turnout_shards_and_add_up(db: Engine) -> None:
    """Each cast adds to a random shard of its turnout group, so simultaneous casts do not queue on
    one row (issue 21); a group's turnout is the sum of its shards, exactly."""
    from ballots.tables import TurnoutCount

    s = await make_ballot()
    codes = await make_codes(s.ballot_id, 40)
    ids = [(await service.find_code(c)).code_id for c in codes]  # type: ignore[union-attr]
    await asyncio.gather(*(service.cast_with_code(s.ballot_id, code_id, [s.proposals[0]]) for code_id in ids))
    rows = await TurnoutCount.select(TurnoutCount.origin, TurnoutCount.shard, TurnoutCount.n).where(
        TurnoutCount.ballot == s.ballot_id)
    assert sum(r["n"] for r in rows) == 40 and {r["origin"] for r in rows} == {"code"}
    assert len(rows) > 1 and all(0 <= r["shard"] < service.TURNOUT_SHARDS for r in rows)
    assert (await service.turnout(s.ballot_id)).total == 40
