"""A budget cycle's ways of verification cannot change under its ballots: frozen once one has opened,
and never turned off while a ballot still asks for them."""

from __future__ import annotations

import datetime as dt

import pytest
from factories.ballots import NOW, make_ballot

from proposals import service as proposals
from proposals.schemas import CycleInput
from server.verification import paths


async def _set_paths(cycle_id: int, chosen: set[str]) -> None:
    cycle = await proposals.get_cycle(cycle_id)
    assert cycle is not None
    dates = {f: getattr(cycle, f) for f in CycleInput.__struct_fields__ if f not in ("name", "verification_paths")}
    await proposals.update_cycle(cycle_id, CycleInput(name=cycle.name, **dates,
                                                      verification_paths=paths.encode(chosen)))


async def test_an_open_ballot_freezes_the_cycles_ways(db: object) -> None:
    setup = await make_ballot(voters="verified_codes")
    with pytest.raises(proposals.InvalidState) as refused:
        await _set_paths(setup.cycle_id, {paths.IN_PERSON, paths.CODES})
    assert "has opened" in str(refused.value)
    await _set_paths(setup.cycle_id, set(paths.PATHS))  # the same ways: nothing changes, nothing refused


async def test_before_opening_a_way_a_ballot_needs_cannot_be_turned_off(db: object) -> None:
    setup = await make_ballot(voters="verified_codes", opens=NOW + dt.timedelta(days=1),
                              closes=NOW + dt.timedelta(days=8))
    with pytest.raises(proposals.InvalidState) as refused:
        await _set_paths(setup.cycle_id, {paths.ROLL, paths.IN_PERSON})
    assert "Change who may vote on it first" in str(refused.value)
    await _set_paths(setup.cycle_id, {paths.IN_PERSON, paths.CODES})  # the ballot still has a way
    cycle = await proposals.get_cycle(setup.cycle_id)
    assert cycle is not None and cycle.paths == {paths.IN_PERSON, paths.CODES}
