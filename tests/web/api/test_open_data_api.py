"""The read-only JSON API exposes what is public, paginated, and nothing personal."""

from __future__ import annotations

import datetime as dt

import httpx
import msgspec
from factories.ballots import make_ballot
from factories.proposals import make_proposals
from piccolo.engine.base import Engine
from support import make_account

from ballots import open_cache
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
    open_cache.forget()  # the test moves time by writing the row; the app never can
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


async def test_api_drafts_with_amendments_and_comments(client: httpx.AsyncClient, db: Engine) -> None:
    from factories.drafts import published_draft

    from proposals.drafts import service as drafts
    from proposals.drafts.service import SECTION_KIND
    from proposals.threads import service as threads

    council = await make_account("council")
    draft_id, keys = await published_draft(council.id, [("Answering calls", "Calls are answered in 2 minutes.")])
    resident = await make_account()
    comment = await threads.post_comment(SECTION_KIND, keys[0], resident.id, "Two minutes is too long",
                                         stance="concerns")
    await threads.post_comment(SECTION_KIND, keys[0], council.id, "Noted", parent_id=comment)
    await drafts.propose_amendment(resident.id, draft_id, keys[0], "Calls are answered in 1 minute.", "Faster")

    listing = (await client.get("/api/v1/drafts")).json()
    assert [d["id"] for d in listing["items"]] == [draft_id]
    detail = (await client.get(f"/api/v1/drafts/{draft_id}")).json()
    assert detail["sections"][0]["heading"] == "Answering calls"
    assert [c["body"] for c in detail["comments"]] == ["Two minutes is too long", "Noted"]
    assert detail["comments"][1]["parent_id"] == detail["comments"][0]["id"]
    assert detail["amendments"][0]["text"] == "Calls are answered in 1 minute."
    assert "@example.org" not in (await client.get(f"/api/v1/drafts/{draft_id}")).text
    assert (await client.get("/api/v1/drafts/99999")).status_code == 404


async def test_ballot_list_and_dashboard_queries_do_not_grow_with_ballots(
        client: httpx.AsyncClient, query_counter: dict) -> None:
    # Turnout and candidates for every listed ballot come from one grouped query each.
    from factories.ballots import settings_for

    s = await make_ballot()
    voter = await make_account(neighborhood_id=s.hood, birth_year=1990)
    await ballots_service.cast_online(s.ballot_id, voter.id, [s.proposals[0]])

    async def queries(url: str) -> int:
        query_counter["n"] = 0
        assert (await client.get(url)).status_code == 200
        return query_counter["n"]

    one = await queries("/api/v1/ballots"), await queries(f"/dashboard/{s.cycle_id}")
    previous = s.ballot_id
    for title in ("Second fund", "Third fund"):
        # The same projects on three ballots of a cycle: council sets the order they are decided in.
        settings = msgspec.structs.replace(settings_for(s.cycle_id, s.hood, s.proposals[:2], title=title),
                                           decided_after=previous)
        previous = await ballots_service.create_ballot(settings, s.council_id)
    listed = (await client.get("/api/v1/ballots")).json()["items"]
    assert len(listed) == 3 and all(len(b["candidates"]) >= 2 for b in listed)
    three = await queries("/api/v1/ballots"), await queries(f"/dashboard/{s.cycle_id}")
    assert three == one
