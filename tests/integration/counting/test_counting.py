"""Counting closed ballots on both engines: the stored result equals the tally's, and the same
ballot set is counted only once, even when several workers try at the same moment."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest
from factories.ballots import NOW, make_ballot
from piccolo.engine.base import Engine
from support import make_account

from ballots import service as ballots_service
from ballots.counting import service
from ballots.counting.tables import CountRun
from ballots.tally import ballot_set_hash, count

AFTER_CLOSE = NOW + dt.timedelta(days=8)


async def _vote(s, rankings: list[list[int]]) -> None:
    for ranking in rankings:
        voter = await make_account(neighborhood_id=s.hood, birth_year=1980)
        await ballots_service.cast_online(s.ballot_id, voter.id, ranking)


async def test_open_ballot_is_not_counted(db: Engine) -> None:
    s = await make_ballot()
    with pytest.raises(service.NotCountable):
        await service.count_ballot(s.ballot_id)
    assert await service.count_closed_ballots() == 0


@pytest.mark.parametrize("rule", ["mes", "greedy", "ear"])
async def test_count_stores_what_the_tally_gives(db: Engine, rule: str) -> None:
    s = await make_ballot(rule=rule, budget=70_000)
    p = s.proposals
    await _vote(s, [[p[0], p[1]], [p[0], p[2]], [p[1], p[0], p[3]], [p[3]], [p[2], p[1]]])
    view = await service.count_ballot(s.ballot_id, AFTER_CLOSE)
    assert view.status == "done" and view.rule == rule and view.ballots_counted == 5
    expected = count(rule, service.build_election(await ballots_service.election_data(s.ballot_id, AFTER_CLOSE)))
    assert [f.proposal_id for f in view.funded] == [int(i) for i in expected.selected]
    assert view.spent == expected.spent and view.budget == 70_000
    stored = json.loads((await CountRun.select(CountRun.result).first())["result"])
    assert stored == json.loads(json.dumps(expected.to_builtins()))
    assert len(view.ballot_set_hash) == 64 and "project number (compared as a number" in view.tie_break
    for project in view.projects:
        assert view.explanation(project, "USD")


async def test_same_ballot_set_is_counted_once(db: Engine) -> None:
    s = await make_ballot()
    await _vote(s, [[s.proposals[0]], [s.proposals[1], s.proposals[0]]])
    first = await service.count_ballot(s.ballot_id, AFTER_CLOSE)
    again = await service.count_ballot(s.ballot_id, AFTER_CLOSE)
    assert again.id == first.id
    concurrent = await asyncio.gather(*[service.count_ballot(s.ballot_id, AFTER_CLOSE) for _ in range(5)])
    assert {v.id for v in concurrent} == {first.id}
    assert await CountRun.count() == 1
    # The background job sees nothing new to count.
    assert await service.count_closed_ballots(AFTER_CLOSE) == 0
    assert await CountRun.count() == 1


async def test_background_job_counts_closed_ballots(db: Engine) -> None:
    s = await make_ballot()
    await _vote(s, [[s.proposals[2]]])
    assert await service.count_closed_ballots(AFTER_CLOSE) == 1
    latest = await service.latest_count(s.ballot_id)
    assert latest is not None and latest.status == "done"
    assert latest.funded[0].proposal_id == s.proposals[2]


async def test_count_stores_its_passes(db: Engine) -> None:
    s = await make_ballot(rule="mes", budget=70_000)
    p = s.proposals
    await _vote(s, [[p[0], p[1]], [p[1]], [p[2], p[0]]])
    view = await service.count_ballot(s.ballot_id, AFTER_CLOSE)
    heard: list[int] = []
    count("mes", service.build_election(await ballots_service.election_data(s.ballot_id, AFTER_CLOSE)), heard.append)
    assert view.status == "done" and view.passes == len(heard) >= 1
    stored = await CountRun.select(CountRun.passes, CountRun.heartbeat_at).first()
    assert stored["passes"] == len(heard) and stored["heartbeat_at"] is not None


async def _running_row(s, heartbeat: dt.datetime) -> int:
    """A count another process claimed: a "running" row for the ballot's current set."""
    election = service.build_election(await ballots_service.election_data(s.ballot_id, AFTER_CLOSE))
    rows = await CountRun.insert(CountRun(
        ballot=s.ballot_id, rule="mes", ballot_set_hash=ballot_set_hash(election), status="running",
        ballots_counted=1, heartbeat_at=heartbeat, passes=3)).returning(CountRun.id)
    return rows[0]["id"]


async def test_a_count_in_progress_elsewhere_is_left_alone(db: Engine) -> None:
    s = await make_ballot()
    await _vote(s, [[s.proposals[0]]])
    claimed = await _running_row(s, dt.datetime.now(dt.UTC))
    view = await service.count_ballot(s.ballot_id, AFTER_CLOSE)
    assert view.id == claimed and view.status == "running" and view.passes == 3


async def test_an_abandoned_count_is_started_again(db: Engine) -> None:
    # The worker counting this ballot was killed: its row stopped getting heartbeats.
    s = await make_ballot()
    await _vote(s, [[s.proposals[0]]])
    stale = dt.datetime.now(dt.UTC) - service.ABANDONED_AFTER - dt.timedelta(seconds=5)
    await _running_row(s, stale)
    assert await service.count_closed_ballots(AFTER_CLOSE) == 1
    latest = await service.latest_count(s.ballot_id)
    assert latest is not None and latest.status == "done" and latest.funded
    assert await CountRun.count() == 1
