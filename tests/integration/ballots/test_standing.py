"""A voter's standing on a ballot is decided in one place: what the pages show and what casting
allows agree, for every standing."""

from __future__ import annotations

import datetime as dt

import pytest
from factories.ballots import NOW, Setup, make_ballot, make_codes
from support import make_account, make_neighborhood

from ballots import service
from ballots.eligibility import Refusal
from server.current_user import load_viewer


async def _standing(ballot_id: int, account_id: int) -> service.Standing:
    ballot = await service.get_ballot(ballot_id)
    assert ballot is not None
    return await service.voter_standing(ballot, await load_viewer(account_id))


async def test_may_vote_then_voted(ballot: Setup) -> None:
    voter = await make_account(neighborhood_id=ballot.hood, birth_year=1980)
    assert await _standing(ballot.ballot_id, voter.id) == service.Standing(service.MAY_VOTE)
    await service.cast_online(ballot.ballot_id, voter.id, [ballot.proposals[0]])
    assert await _standing(ballot.ballot_id, voter.id) == service.Standing(service.VOTED)
    with pytest.raises(service.AlreadyVoted):
        await service.cast_online(ballot.ballot_id, voter.id, [ballot.proposals[1]])


async def test_ineligible_with_the_reason_and_casting_refuses_for_it(ballot: Setup) -> None:
    elsewhere = await make_account(neighborhood_id=await make_neighborhood("Hillcrest"))
    standing = await _standing(ballot.ballot_id, elsewhere.id)
    assert standing == service.Standing(service.INELIGIBLE, Refusal.WRONG_NEIGHBORHOOD)
    with pytest.raises(service.Ineligible) as refused:
        await service.cast_online(ballot.ballot_id, elsewhere.id, [ballot.proposals[0]])
    assert refused.value.refusal is standing.refusal

    youth = await make_ballot("Eastgate", city_wide=True, age_min=12, age_max=22)
    closing_year = (NOW + dt.timedelta(days=7)).year
    adult = await make_account(neighborhood_id=youth.hood, birth_year=closing_year - 40)
    assert await _standing(youth.ballot_id, adult.id) == service.Standing(service.INELIGIBLE, Refusal.TOO_OLD)


async def test_not_open_before_and_after_voting(db: object) -> None:
    upcoming = await make_ballot(opens=NOW + dt.timedelta(days=1), closes=NOW + dt.timedelta(days=8))
    voter = await make_account(neighborhood_id=upcoming.hood, birth_year=1980)
    assert await _standing(upcoming.ballot_id, voter.id) == service.Standing(service.NOT_OPEN)
    with pytest.raises(service.NotOpen):
        await service.cast_online(upcoming.ballot_id, voter.id, [upcoming.proposals[0]])
    ballot = await service.get_ballot(upcoming.ballot_id, now=NOW + dt.timedelta(days=9))
    assert ballot is not None and ballot.state == "closed"
    assert await service.voter_standing(ballot, voter) == service.Standing(service.NOT_OPEN)


async def test_a_verified_residents_ballot_refuses_unverified_accounts_and_codes(db: object) -> None:
    from server.verification import service as verification

    setup = await make_ballot(voters="verified")
    unverified = await make_account(neighborhood_id=setup.hood, birth_year=1980)
    assert await _standing(setup.ballot_id, unverified.id) == service.Standing(service.INELIGIBLE,
                                                                               Refusal.NOT_VERIFIED)
    with pytest.raises(service.Ineligible):
        await service.cast_online(setup.ballot_id, unverified.id, [setup.proposals[0]])
    await verification.verify_in_person(unverified.email, setup.hood, 1980, by=setup.council_id)
    assert await _standing(setup.ballot_id, unverified.id) == service.Standing(service.MAY_VOTE)
    await service.cast_online(setup.ballot_id, unverified.id, [setup.proposals[0]])

    [code] = await make_codes(setup.ballot_id, 1)
    match = await service.find_code(code)
    assert match is not None
    with pytest.raises(service.Ineligible) as refused:
        await service.cast_with_code(setup.ballot_id, match.code_id, [setup.proposals[0]])
    assert refused.value.refusal is Refusal.NO_CODES


async def test_unconfirmed_accounts_do_not_vote(ballot: Setup) -> None:
    voter = await make_account(neighborhood_id=ballot.hood, birth_year=1980, confirmed=False)
    assert await _standing(ballot.ballot_id, voter.id) == service.Standing(service.INELIGIBLE, Refusal.UNCONFIRMED)
    with pytest.raises(service.Ineligible):
        await service.cast_online(ballot.ballot_id, voter.id, [ballot.proposals[0]])
