"""A ballot's voting window fits its cycle's voting phase (issue 20, item 12): creating, editing or
extending a ballot beyond it is refused and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from factories.ballots import NOW, make_ballot, settings_for
from factories.proposals import make_cycle, make_proposals
from piccolo.engine.base import Engine
from support import make_account

from ballots import service
from ballots.tables import Ballot
from proposals import phases
from proposals import service as proposals
from server import clock

DAY = dt.timedelta(days=1)


async def test_a_ballot_cannot_be_created_outside_the_voting_phase(db: Engine) -> None:
    council = await make_account("council")
    ideas = await make_cycle(phases.IDEAS, name="Still collecting ideas")
    candidates = await make_proposals(ideas, council.neighborhood_id, council.id, [40_000, 30_000])
    with pytest.raises(service.OutsideVotingPhase) as refused:
        await service.create_ballot(settings_for(ideas, None, candidates), council.id)
    cycle = await proposals.get_cycle(ideas)
    assert cycle is not None
    assert refused.value.fields == ("opens_at", "closes_at") and refused.value.cycle_name == "Still collecting ideas"
    assert refused.value.first_day == cycle.voting_open and refused.value.last_day == cycle.results_open - DAY
    assert await Ballot.count() == 0
    # The same ballot timed inside the voting phase (still weeks ahead) is fine.
    opens = clock.from_local(dt.datetime.combine(cycle.voting_open, dt.time(9)))
    closes = clock.from_local(dt.datetime.combine(cycle.results_open - DAY, dt.time(20)))
    assert await service.create_ballot(settings_for(ideas, None, candidates, opens=opens, closes=closes), council.id)


async def test_a_ballot_cannot_close_after_voting_ends(db: Engine) -> None:
    voting = await make_cycle(phases.VOTING, name="Voting now")  # phases of 10 days: voting ends in 8
    council = await make_account("council")
    candidates = await make_proposals(voting, council.neighborhood_id, council.id, [40_000, 30_000])
    with pytest.raises(service.OutsideVotingPhase) as refused:
        await service.create_ballot(settings_for(voting, None, candidates, closes=NOW + 12 * DAY), council.id)
    assert refused.value.fields == ("closes_at",)


async def test_editing_or_extending_past_the_voting_phase_is_refused(db: Engine) -> None:
    s = await make_ballot(opens=NOW + 2 * DAY, closes=NOW + 9 * DAY)
    cycle = await proposals.get_cycle(s.cycle_id)
    assert cycle is not None
    after_voting = clock.from_local(dt.datetime.combine(cycle.results_open, dt.time(9)))
    moved = settings_for(s.cycle_id, s.hood, s.proposals, title="Moved", opens=NOW + 2 * DAY, closes=after_voting)
    with pytest.raises(service.OutsideVotingPhase):
        await service.update_ballot(s.ballot_id, moved, s.council_id)
    with pytest.raises(service.OutsideVotingPhase):
        await service.extend_ballot(s.ballot_id, after_voting, s.council_id)
    ballot = await service.get_ballot(s.ballot_id)
    assert ballot is not None and ballot.title == "Riverside fund 2026" and ballot.closes_at < after_voting
    assert await service.changes(s.ballot_id) == []
    last_evening = after_voting - dt.timedelta(hours=12)  # 9 p.m. on voting's last day
    await service.extend_ballot(s.ballot_id, last_evening, s.council_id)
    assert (await service.get_ballot(s.ballot_id)).closes_at == last_evening  # type: ignore[union-attr]
