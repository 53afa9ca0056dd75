"""Code batches on both engines (issue 15): age windows the code carries, partners, the two-person
rule once voting is open (also under concurrency), voiding a lost batch, and the public record."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from factories.ballots import NOW, make_ballot, make_codes
from piccolo.engine.base import Engine
from support import make_account

from ballots import batch_service, service
from ballots.batches import ISSUED, REFUSED, REQUESTED, VOIDED, Misfit
from ballots.schemas import BatchSpec
from ballots.tables import AccessCode, CodeBatch


async def _upcoming(**kwargs: object):
    return await make_ballot(opens=NOW + dt.timedelta(days=1), closes=NOW + dt.timedelta(days=8), **kwargs)


async def test_before_opening_a_batch_is_issued_at_once_with_its_window_and_partner(db: Engine) -> None:
    s = await _upcoming(city_wide=True, age_min=12, age_max=22)
    partner = await make_account("partner", name="Eastgate Youth Centre")
    issued = await batch_service.issue_batch(s.ballot_id, BatchSpec("Youth night", 4, 12, 17, partner.id),
                                             s.council_id)
    assert issued.status == ISSUED and len(set(issued.codes)) == 4
    [batch] = await batch_service.batches_of(s.ballot_id)
    assert (batch.quantity, batch.age_min, batch.age_max, batch.partner_name, batch.after_opening) == (
        4, 12, 17, "Eastgate Youth Centre", False)
    # The partner sees and prints its batch; another partner does not see it.
    assert [b.id for b in await batch_service.partner_batches(partner.id)] == [batch.id]
    mine = await batch_service.get_batch(batch.id, partner.id, is_council=False)
    assert mine is not None and await batch_service.sheet(mine) == issued.codes
    other = await make_account("partner")
    assert await batch_service.get_batch(batch.id, other.id, is_council=False) is None
    assert await batch_service.partner_batches(other.id) == []
    # Nothing about it is public: it was issued before voting opened.
    assert await batch_service.public_record(s.ballot_id) == []


@pytest.mark.parametrize(("ballot_window", "batch_window", "misfit"), [
    ((12, 17), (None, None), Misfit.NO_WINDOW),  # a general (adult) batch on a youth ballot
    ((12, 17), (18, None), Misfit.TOO_OLD),
    ((18, None), (12, 17), Misfit.TOO_YOUNG),  # a youth batch on an adults-only ballot
])
async def test_a_batch_outside_the_ballots_age_window_is_refused(db: Engine, ballot_window: tuple,
                                                                 batch_window: tuple, misfit: Misfit) -> None:
    s = await _upcoming(city_wide=True, age_min=ballot_window[0], age_max=ballot_window[1])
    with pytest.raises(batch_service.BadBatch) as refused:
        await batch_service.issue_batch(s.ballot_id, BatchSpec("x", 3, *batch_window), s.council_id)
    assert refused.value.misfit is misfit
    assert await AccessCode.count() == 0 and await CodeBatch.count() == 0


async def test_a_code_whose_window_no_longer_fits_does_not_vote(db: Engine) -> None:
    """Settings can change until voting opens: a youth batch made for an all-ages ballot that then
    became adults-only cannot vote on it, at code entry or at casting."""
    s = await _upcoming(city_wide=True)
    youth = (await batch_service.issue_batch(s.ballot_id, BatchSpec("School", 1, 12, 17), s.council_id)).codes[0]
    ballot = await service.get_ballot(s.ballot_id)
    assert ballot is not None
    from factories.ballots import settings_for

    await service.update_ballot(s.ballot_id, settings_for(s.cycle_id, None, s.proposals, age_min=18,
                                                          opens=ballot.opens_at, closes=ballot.closes_at), s.council_id)
    later = NOW + dt.timedelta(days=2)
    match = await service.find_code(youth, later)
    assert match is not None and (match.age_min, match.age_max) == (12, 17)
    adult_only = await service.get_ballot(s.ballot_id, later)
    assert adult_only is not None
    with pytest.raises(service.CodeMisfit):
        batch_service.code_band(adult_only, match.batch_status, match.age_min, match.age_max)
    with pytest.raises(service.CodeMisfit):
        await service.cast_with_code(s.ballot_id, match.code_id, [s.proposals[0]], now=later)
    [batch] = await batch_service.batches_of(s.ballot_id)
    assert not batch.fits


async def test_after_opening_codes_need_a_second_council_member(db: Engine) -> None:
    s = await make_ballot()
    partner = await make_account("partner", name="Riverside Library")
    asked = await batch_service.issue_batch(s.ballot_id, BatchSpec("Library", 5, None, None, partner.id),
                                            s.council_id)
    assert asked.status == REQUESTED and asked.codes == [] and await AccessCode.count() == 0
    assert await batch_service.public_record(s.ballot_id) == []  # nothing is issued yet
    with pytest.raises(service.SameStaff):
        await batch_service.confirm_batch(asked.batch_id, s.council_id)
    second = await make_account("council")
    plain = await batch_service.confirm_batch(asked.batch_id, second.id)
    assert len(plain) == 5 and await AccessCode.count() == 5
    with pytest.raises(batch_service.BatchGone):
        await batch_service.confirm_batch(asked.batch_id, second.id)
    [event] = await batch_service.public_record(s.ballot_id)
    assert (event.kind, event.quantity, event.batch_name, event.partner_name) == (
        "issued_after_opening", 5, "Library", "Riverside Library")
    [batch] = await batch_service.batches_of(s.ballot_id)
    assert batch.confirmed_by == second.display_name and batch.after_opening


async def test_two_confirmations_at_once_make_the_codes_once(db: Engine) -> None:
    s = await make_ballot()
    asked = await batch_service.issue_batch(s.ballot_id, BatchSpec("Fair", 3), s.council_id)
    others = [await make_account("council") for _ in range(4)]
    results = await asyncio.gather(*[batch_service.confirm_batch(asked.batch_id, o.id) for o in others],
                                   return_exceptions=True)
    assert sum(isinstance(r, list) for r in results) == 1, results
    assert all(isinstance(r, batch_service.BatchGone) for r in results if not isinstance(r, list))
    assert await AccessCode.count() == 3


async def test_a_request_can_be_withdrawn_and_then_makes_no_codes(db: Engine) -> None:
    s = await make_ballot()
    asked = await batch_service.issue_batch(s.ballot_id, BatchSpec("Fair", 3), s.council_id)
    await batch_service.refuse_batch(asked.batch_id, s.council_id)
    with pytest.raises(batch_service.BatchGone):
        await batch_service.confirm_batch(asked.batch_id, (await make_account("council")).id)
    [batch] = await batch_service.batches_of(s.ballot_id)
    assert batch.status == REFUSED and await AccessCode.count() == 0


async def test_no_codes_once_voting_has_closed(db: Engine) -> None:
    s = await make_ballot(opens=NOW - dt.timedelta(days=5), closes=NOW - dt.timedelta(days=1))
    with pytest.raises(service.NotOpen):
        await batch_service.issue_batch(s.ballot_id, BatchSpec("Late", 3), s.council_id)


async def test_a_voided_batch_stops_its_unused_codes_and_the_void_is_public(db: Engine) -> None:
    s = await make_ballot()
    plain = await make_codes(s.ballot_id, 3, "Bus stop")
    used = await service.find_code(plain[0])
    assert used is not None
    await service.cast_with_code(s.ballot_id, used.code_id, [s.proposals[0]])
    unused = await service.find_code(plain[1])
    assert unused is not None
    [batch] = await batch_service.batches_of(s.ballot_id)
    await batch_service.void_batch(batch.id, s.council_id, "Sheet lost on the bus")
    after = await service.find_code(plain[1])
    assert after is not None and after.batch_status == VOIDED
    ballot = await service.get_ballot(s.ballot_id)
    assert ballot is not None
    with pytest.raises(service.CodeVoided):
        batch_service.code_band(ballot, after.batch_status, after.age_min, after.age_max)
    with pytest.raises(service.CodeVoided):  # also a voter who typed the code before the void
        await service.cast_with_code(s.ballot_id, unused.code_id, [s.proposals[0]])
    assert await service.counted_ballots(s.ballot_id) == [([s.proposals[0]], 1)]  # the used code's ballot counts
    voided = await batch_service.get_batch(batch.id, s.council_id, is_council=True)
    assert voided is not None and await batch_service.sheet(voided) is None  # the sheet is erased
    events = await batch_service.public_record(s.ballot_id)
    assert [(e.kind, e.reason, e.quantity) for e in events] == [
        ("issued_after_opening", "", 3), ("voided", "Sheet lost on the bus", 3)]
    with pytest.raises(batch_service.BatchGone):
        await batch_service.void_batch(batch.id, s.council_id, "again")


async def test_a_sheet_is_not_printed_once_voting_has_closed(db: Engine) -> None:
    s = await make_ballot(opens=NOW - dt.timedelta(days=1), closes=NOW + dt.timedelta(days=1))
    await make_codes(s.ballot_id, 2)
    [batch] = await batch_service.batches_of(s.ballot_id, now=NOW + dt.timedelta(days=2))
    assert batch.ballot_state == "closed" and await batch_service.sheet(batch) is None


async def test_a_void_at_the_moment_codes_are_used_leaves_every_ballot_either_counted_or_refused(db: Engine) -> None:
    s = await make_ballot()
    plain = await make_codes(s.ballot_id, 8, "Festival")
    matches = [await service.find_code(code) for code in plain]
    [batch] = await batch_service.batches_of(s.ballot_id)
    casts = [service.cast_with_code(s.ballot_id, m.code_id, [s.proposals[0]]) for m in matches if m is not None]
    results = await asyncio.gather(batch_service.void_batch(batch.id, s.council_id, "Stolen"), *casts,
                                   return_exceptions=True)
    assert results[0] is None, results[0]
    cast = [r for r in results[1:] if isinstance(r, str)]
    assert all(isinstance(r, str | service.CodeVoided) for r in results[1:]), results
    # Every ballot that got a receipt counts; no refused code left a ballot behind.
    assert await service.counted_ballots(s.ballot_id) == ([([s.proposals[0]], len(cast))] if cast else [])
    assert (await batch_service.batches_of(s.ballot_id))[0].used == len(cast)
