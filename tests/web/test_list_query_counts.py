"""Every public list of the accountability domains runs the same number of queries however many rows
it shows (issue 21: "every list and dashboard in a constant number of grouped queries"). Each list is
counted with one row of each kind, then with several more spread over other neighborhoods, bodies,
categories and owners, so a query per row, per neighborhood or per body would show as a difference."""

from __future__ import annotations

import datetime as dt

import httpx
from factories.assemblies import held_meeting, make_body, make_commitment, make_meeting
from factories.concerns import make_category, make_concern
from factories.delivery import make_item
from factories.indicators import make_indicator, make_survey
from support import make_neighborhood

from server import clock

LISTS = ["/concerns", "/meetings", "/boards", "/commitments", "/indicators", "/surveys", "/delivery",
         "/open311/v2/requests.json", "/open311/v2/services.json", "/", "/dashboard"]


async def _one_of_each(n: int) -> None:
    hood = await make_neighborhood(f"Hood {n}")
    category = await make_category(sensitive=n % 3 == 2)
    await make_concern(category, neighborhood_id=hood, identity="anonymous")
    body = await make_body(neighborhood_id=hood)
    await make_meeting(f"Assembly {n}", body_id=body, neighborhood_id=hood)
    meeting = await held_meeting(f"Held {n}", body_id=body)
    await make_commitment(f"Promise {n}", owner=f"Team {n}", source=("meeting", meeting),
                          promised=clock.today() + dt.timedelta(days=-3 if n % 2 else 20))
    await make_indicator()
    await make_survey(neighborhood_id=hood)
    await make_item(f"Lights {n}", neighborhood_id=hood)


async def _queries(client: httpx.AsyncClient, counter: dict, url: str) -> int:
    counter["n"] = 0
    response = await client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.text[:300])
    return counter["n"]


async def test_lists_run_the_same_queries_for_one_row_as_for_many(client: httpx.AsyncClient,
                                                                  query_counter: dict) -> None:
    await _one_of_each(1)
    one = {url: await _queries(client, query_counter, url) for url in LISTS}
    for n in range(2, 6):
        await _one_of_each(n)
    many = {url: await _queries(client, query_counter, url) for url in LISTS}
    assert many == one, {url: (one[url], many[url]) for url in LISTS if one[url] != many[url]}
    page = await client.get("/commitments")
    assert all(f"Promise {n}" in page.text for n in range(1, 6))  # and the list shows them all
