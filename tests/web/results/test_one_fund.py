"""Issue 16 item 6: one project, one fund per cycle, on both engines. A project may be on two
ballots of a cycle only when council chose which is decided first; then what the first funds leaves
the second's count, the second's result says so, and delivery tracks the project once."""

from __future__ import annotations

import datetime as dt

import httpx
import msgspec
import pytest
from factories.ballots import make_ballot, settings_for
from piccolo.engine.base import Engine
from support import make_account, post_form, sign_in

from ballots import service as ballots_service
from ballots.counting import service as counting
from ballots.results import service as results
from ballots.tables import Ballot
from ballots.tally.pabulib import parse
from delivery.tables import DeliveryItem


async def _close(*ballot_ids: int) -> None:
    await Ballot.update({Ballot.closes_at: dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)}).where(
        Ballot.id.is_in(list(ballot_ids)))


async def test_a_project_cannot_be_on_two_ballots_of_a_cycle_without_an_order(db: Engine) -> None:
    s = await make_ballot()  # a neighborhood ballot with s.proposals
    city = settings_for(s.cycle_id, None, s.proposals[:2], title="City-wide fund 2026")
    with pytest.raises(ballots_service.SharedCandidates) as refused:
        await ballots_service.create_ballot(city, s.council_id)
    assert [title for title, _ in refused.value.conflicts] == ["Project 1 (40000)", "Project 2 (30000)"]
    assert {other for _, other in refused.value.conflicts} == {"Riverside fund 2026"}
    # Council chooses the order: the neighborhood ballot is decided first.
    ordered = msgspec.structs.replace(city, decided_after=s.ballot_id)
    city_id = await ballots_service.create_ballot(ordered, s.council_id)
    assert (await ballots_service.get_ballot(city_id)).decided_after == s.ballot_id
    # The first ballot cannot then be put after the second: each would be decided before the other.
    first = settings_for(s.cycle_id, s.hood, s.proposals, opens=dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    await Ballot.update({Ballot.opens_at: dt.datetime.now(dt.UTC) + dt.timedelta(days=1)}).where(
        Ballot.id == s.ballot_id)
    with pytest.raises(ballots_service.BadDecisionOrder):
        await ballots_service.update_ballot(s.ballot_id, msgspec.structs.replace(first, decided_after=city_id),
                                            s.council_id)
    # A ballot of another cycle is refused as an order too.
    other = await make_ballot("Hillcrest")
    with pytest.raises(ballots_service.BadDecisionOrder):
        await ballots_service.create_ballot(msgspec.structs.replace(
            settings_for(s.cycle_id, None, [s.proposals[3]], title="Elsewhere"), decided_after=other.ballot_id),
            s.council_id)


async def test_council_gets_a_clear_error_on_the_form(client: httpx.AsyncClient, db: Engine) -> None:
    s = await make_ballot()
    council = await make_account("council", neighborhood_id=s.hood)
    await sign_in(client, council.email)
    now = dt.datetime.now(dt.UTC)
    form = {"title": "City-wide fund", "explanation": "", "cycle_id": str(s.cycle_id), "fund": "city",
            "budget": "50000", "max_ranks": "2", "min_ranks": "1", "age_min": "", "age_max": "",
            "opens_at": (now + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + dt.timedelta(days=9)).strftime("%Y-%m-%dT%H:%M"), "rule": "mes",
            "candidates": [str(s.proposals[0]), str(s.proposals[1])], "decided_after": ""}
    refused = await post_form(client, "/council/ballots/new", form)
    assert refused.status_code == 400
    assert "already on another ballot of this budget cycle" in refused.text
    assert "<bdi>Project 1 (40000)</bdi>" in refused.text and "<bdi>Riverside fund 2026</bdi>" in refused.text
    assert 'value="City-wide fund"' in refused.text  # what was typed comes back
    created = await post_form(client, "/council/ballots/new", {**form, "decided_after": str(s.ballot_id)})
    assert created.status_code in (302, 303)


async def test_the_later_ballot_counts_without_what_the_earlier_one_funded(client: httpx.AsyncClient,
                                                                         db: Engine) -> None:
    s = await make_ballot(budget=45_000)  # only one of project 1 (40,000) and project 2 (30,000) fits
    p = s.proposals
    city_id = await ballots_service.create_ballot(msgspec.structs.replace(
        settings_for(s.cycle_id, None, [p[0], p[1], p[2]], title="City-wide fund 2026", budget=60_000),
        decided_after=s.ballot_id), s.council_id)
    for i in range(6):
        voter = await make_account(neighborhood_id=s.hood, birth_year=1960 + i)
        await ballots_service.cast_online(s.ballot_id, voter.id, [p[0], p[1]])
        await ballots_service.cast_online(city_id, voter.id, [p[0], p[2]] if i < 4 else [p[0]])
    await _close(s.ballot_id, city_id)
    # The city ballot waits for the neighborhood ballot's published result.
    with pytest.raises(counting.NotCountable):
        await counting.count_ballot(city_id)
    first = await counting.count_ballot(s.ballot_id)
    assert [f.proposal_id for f in first.funded] == [p[0]]
    await results.publish(s.ballot_id, first.id, "Neighborhood result.", s.council_id)

    second = await counting.count_ballot(city_id)
    assert [w.proposal_id for w in second.withdrawn] == [p[0]]
    assert p[0] not in {x.proposal_id for x in second.projects}
    assert {f.proposal_id for f in second.funded} == {p[1], p[2]}  # 55,000 of 60,000: both fit
    assert second.ballots_counted == 6
    await results.publish(city_id, second.id, "City result.", s.council_id)
    page = (await client.get(f"/ballots/{city_id}/results")).text
    assert 'id="withdrawn"' in page and "<bdi>Project 1 (40000)</bdi>" in page
    assert "<bdi>Riverside fund 2026</bdi>" in page
    pb = parse((await client.get(f"/ballots/{city_id}/results/ballots.pb")).text)
    assert str(p[0]) not in {r[0] for r in pb.project_rows}
    assert pb.meta["withdrawn"] == f"{p[0]}:funded_by_ballot_{s.ballot_id}"
    # Delivery tracks every funded project once.
    items = await DeliveryItem.select(DeliveryItem.proposal)
    assert sorted(i["proposal"] for i in items) == sorted({i["proposal"] for i in items})


async def test_delivery_never_tracks_one_project_twice(db: Engine) -> None:
    from delivery.service import create_delivery_items

    s = await make_ballot()
    other = await make_ballot("Hillcrest")
    first = await create_delivery_items(s.ballot_id, [(s.proposals[0], 40_000)])
    again = await create_delivery_items(other.ballot_id, [(s.proposals[0], 40_000), (s.proposals[1], 30_000)])
    assert again[0] == first[0]
    assert await DeliveryItem.count().where(DeliveryItem.proposal == s.proposals[0]) == 1
