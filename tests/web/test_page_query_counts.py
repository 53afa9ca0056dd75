"""Lists and the dashboard run a fixed number of grouped queries, however many cycles, ballots and
proposals there are (issue 21: the dashboard ran six queries per cycle)."""

from __future__ import annotations

import httpx
from factories.ballots import make_ballot
from support import make_account

from ballots import service as ballots_service
from delivery.tables import DeliveryItem, Milestone
from proposals.tables import Proposal
from server import clock

HOODS = ["Riverside", "Old Town", "Eastgate", "Northfield"]


async def _cycle_with_everything(hood: str) -> None:
    """A cycle with a ballot, ballots cast, a funded project with a milestone."""
    s = await make_ballot(hood)
    for i in range(2):
        voter = await make_account(neighborhood_id=s.hood, birth_year=1970 + i)
        await ballots_service.cast_online(s.ballot_id, voter.id, [s.proposals[i]])
    item = await DeliveryItem.insert(DeliveryItem(proposal=s.proposals[0], allocated=40_000)).returning(DeliveryItem.id)
    await Milestone.insert(Milestone(item=item[0]["id"], name="Poles", planned_date=clock.today()))


async def _queries(client: httpx.AsyncClient, counter: dict, url: str) -> int:
    counter["n"] = 0
    response = await client.get(url)
    assert response.status_code == 200, response.text
    return counter["n"]


async def test_the_dashboard_and_lists_do_not_query_per_cycle(client: httpx.AsyncClient, query_counter: dict) -> None:
    await _cycle_with_everything(HOODS[0])
    one = {url: await _queries(client, query_counter, url) for url in ("/dashboard", "/proposals", "/ballots", "/")}
    for hood in HOODS[1:]:
        await _cycle_with_everything(hood)
    assert await Proposal.count() == 4 * len(HOODS)
    many = {url: await _queries(client, query_counter, url) for url in one}
    assert many == one, (one, many)
    # 9 for the budget figures, one for the commitments, two for the concerns (categories, cases)
    # and one for "safety and trust" (three once there are indicators: values and breaks): still
    # the same however many cycles, neighborhoods or items.
    assert one["/dashboard"] <= 13, one
    page = await client.get("/dashboard")
    for cycle_id in range(1, len(HOODS) + 1):  # and it shows every cycle
        assert f'href="/dashboard/{cycle_id}"' in page.text


async def test_a_cycles_dashboard_page_is_a_fixed_number_of_queries(client: httpx.AsyncClient,
                                                                     query_counter: dict) -> None:
    await _cycle_with_everything(HOODS[0])
    first = await _queries(client, query_counter, "/dashboard/1")
    await make_ballot(HOODS[1])
    assert await _queries(client, query_counter, "/dashboard/1") == first
