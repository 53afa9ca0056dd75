"""Every list of the budgeting side, the open data and feeds, and the council's and a resident's own
lists run the same number of queries however many rows they show (issue 21: "every list and
dashboard in a constant number of grouped queries"). The accountability lists have their own test
(test_list_query_counts.py); this one seeds cycles, proposals in every state, drafts, ballots,
delivery items, meetings and commitments, one set per neighborhood, and counts each page with one set,
then with four more."""

from __future__ import annotations

import httpx
from factories.assemblies import held_meeting, make_body, make_commitment, make_meeting
from factories.ballots import make_ballot
from factories.delivery import make_item
from factories.drafts import published_draft
from factories.proposals import make_cycle, make_proposals
from support import make_account, signed_in_as

from proposals import phases

PUBLIC = ["/", "/proposals", "/drafts", "/ballots", "/delivery", "/dashboard", "/meetings", "/commitments",
          "/feeds/delivery.atom", "/feeds/commitments.atom", "/meetings/calendar.ics",
          "/api/v1/cycles", "/api/v1/proposals", "/api/v1/drafts", "/api/v1/ballots", "/api/v1/delivery"]
COUNCIL = ["/council/review", "/council/ballots", "/council/cycles", "/council/neighborhoods", "/council/delivery",
           "/council/boards", "/moderation", "/moderation/log"]


async def _one_set(n: int, council_id: int) -> None:
    setup = await make_ballot(f"Hood {n}", title=f"Hood {n} fund")
    ideas = await make_cycle(phases.IDEAS, name=f"Ideas {n}")
    await make_proposals(ideas, setup.hood, setup.council_id, [10_000, 20_000], status="submitted")
    await make_proposals(setup.cycle_id, setup.hood, setup.council_id, [15_000], status="not_feasible")
    await published_draft(council_id, [("Scope", "Who this covers."), ("Timelines", "Within 10 days.")],
                          title=f"Procedure {n}")
    await make_item(f"Lights {n}", neighborhood_id=setup.hood)
    body = await make_body(neighborhood_id=setup.hood)
    await make_meeting(f"Assembly {n}", body_id=body, neighborhood_id=setup.hood)
    meeting = await held_meeting(f"Held {n}", body_id=body)
    await make_commitment(f"Promise {n}", owner=f"Team {n}", source=("meeting", meeting))


async def _queries(client: httpx.AsyncClient, counter: dict, url: str) -> int:
    counter["n"] = 0
    response = await client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.text[:300])
    return counter["n"]


async def test_budgeting_and_council_lists_run_the_same_queries_for_one_set_as_for_five(
        client: httpx.AsyncClient, other_client: httpx.AsyncClient, query_counter: dict) -> None:
    council = await signed_in_as(other_client, "council")
    await make_account("resident")
    await _one_set(1, council.id)
    urls = [(client, url) for url in PUBLIC] + [(other_client, url) for url in COUNCIL]
    one = {url: await _queries(c, query_counter, url) for c, url in urls}
    for n in range(2, 6):
        await _one_set(n, council.id)
    many = {url: await _queries(c, query_counter, url) for c, url in urls}
    assert many == one, {url: (one[url], many[url]) for url in one if one[url] != many[url]}
    ballots, drafts, review = (await client.get("/ballots")).text, (await client.get("/drafts")).text, \
        (await other_client.get("/council/review")).text
    # ...and the lists show every set.
    assert all(f"Hood {n} fund" in ballots and f"Procedure {n}" in drafts for n in range(1, 6))
    assert review.count("Project 1 (10000)") == 5


async def _discussion(n: int, draft_id: int, section: int, proposal_id: int) -> None:
    from proposals.drafts import service as drafts
    from proposals.threads import service as threads

    people = [await make_account("resident") for _ in range(2)]
    top = await threads.post_comment("draft_section", section, people[0].id, f"Comment {n}", stance="concerns")
    await threads.post_comment("draft_section", section, people[1].id, f"Reply {n}", parent_id=top)
    await threads.toggle_vote(top, people[1].id)
    amendment = await drafts.propose_amendment(people[0].id, draft_id, section, f"Within {n} days.", "Faster.")
    await drafts.toggle_support(amendment, people[1].id)
    first = await threads.post_comment("proposal", proposal_id, people[0].id, f"Proposal comment {n}")
    await threads.post_comment("proposal", proposal_id, people[1].id, f"Proposal reply {n}", parent_id=first)


async def test_a_draft_and_a_proposal_page_run_the_same_queries_for_one_comment_as_for_many(
        client: httpx.AsyncClient, other_client: httpx.AsyncClient, query_counter: dict) -> None:
    council = await make_account("council")
    draft_id, keys = await published_draft(council.id, [("Scope", "Who this covers."), ("Timelines", "10 days.")])
    hood_cycle = await make_cycle(phases.IDEAS, name="Ideas")
    resident = await signed_in_as(other_client)
    proposal_id = (await make_proposals(hood_cycle, resident.neighborhood_id, resident.id, [10_000],
                                        status="submitted"))[0]
    pages = [(client, f"/drafts/{draft_id}"), (other_client, f"/drafts/{draft_id}"),
             (client, f"/proposals/{proposal_id}"), (other_client, f"/proposals/{proposal_id}")]
    await _discussion(1, draft_id, keys[1], proposal_id)
    one = [await _queries(c, query_counter, url) for c, url in pages]
    for n in range(2, 7):
        await _discussion(n, draft_id, keys[n % 2], proposal_id)
    many = [await _queries(c, query_counter, url) for c, url in pages]
    assert many == one, list(zip(pages, one, many, strict=True))
    draft = (await other_client.get(f"/drafts/{draft_id}")).text
    proposal = (await client.get(f"/proposals/{proposal_id}")).text
    assert all(f"Reply {n}" in draft and f"Proposal reply {n}" in proposal for n in range(1, 7))
