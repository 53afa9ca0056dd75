"""The read-only JSON API exposes what is public, paginated, and nothing personal."""

from __future__ import annotations

import datetime as dt

import httpx
from ballots_support import make_ballot, make_proposals
from piccolo.engine.base import Engine
from support import make_account

from ballots import service as ballots_service
from ballots.counting import service as counting
from ballots.results import service as results
from ballots.tables import Ballot


async def test_api_lists_and_details(client: httpx.AsyncClient, db: Engine) -> None:
    s = await make_ballot(budget=80_000)
    draft = (await make_proposals(s.cycle_id, s.hood, s.council_id, [1_000], status="draft", eligible=False))[0]
    for i in range(5):
        voter = await make_account(neighborhood_id=s.hood, birth_year=1960 + i)
        await ballots_service.cast_online(s.ballot_id, voter.id, [s.proposals[i % 4]])
    await Ballot.update({Ballot.closes_at: dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)}).where(
        Ballot.id == s.ballot_id)
    run = await counting.count_ballot(s.ballot_id)
    await results.publish(s.ballot_id, run.id, "Published", s.council_id)

    cycles = (await client.get("/api/v1/cycles")).json()
    assert cycles["page"]["total"] == 1 and cycles["items"][0]["id"] == s.cycle_id
    page = (await client.get("/api/v1/proposals", params={"per_page": 2})).json()
    assert page["page"] == {"page": 1, "per_page": 2, "total": 4, "has_more": True}
    second = (await client.get("/api/v1/proposals", params={"per_page": 2, "page": 2})).json()
    ids = [p["id"] for p in page["items"] + second["items"]]
    assert sorted(ids) == sorted(s.proposals) and draft not in ids
    assert (await client.get(f"/api/v1/proposals/{draft}")).status_code == 404
    detail = (await client.get(f"/api/v1/proposals/{s.proposals[0]}")).json()
    assert detail["proposal"]["title"] and isinstance(detail["timeline"], list)

    ballot = (await client.get(f"/api/v1/ballots/{s.ballot_id}")).json()
    assert ballot["state"] == "closed" and ballot["turnout"]["total"] == 5
    assert ballot["results_url"] == f"/api/v1/ballots/{s.ballot_id}/results"
    result = (await client.get(ballot["results_url"])).json()
    assert result["selected"] == [f.proposal_id for f in run.funded] and result["versions"] == [1]
    assert all(p["explanation"]["code"] for p in result["projects"])
    items = (await client.get("/api/v1/delivery")).json()
    assert items["page"]["total"] == len(run.funded)
    one = (await client.get(f"/api/v1/delivery/{items['items'][0]['id']}")).json()
    assert one["item"]["allocated"] > 0

    for path in ("/api/v1/cycles", "/api/v1/proposals", f"/api/v1/proposals/{s.proposals[0]}", "/api/v1/ballots",
                 f"/api/v1/ballots/{s.ballot_id}/results", "/api/v1/delivery"):
        body = (await client.get(path)).text
        assert "@example.org" not in body, path
    assert (await client.get("/api/v1/ballots/9999")).status_code == 404
    assert (await client.get("/api/v1/proposals", params={"per_page": 1000})).status_code == 400
    schema = (await client.get("/api/schema/openapi.json")).json()
    assert "/api/v1/ballots/{ballot_id}/results" in schema["paths"]
