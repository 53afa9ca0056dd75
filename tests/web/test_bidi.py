"""Mixed-direction text in Arabic pages (issue 20, item 2): names, amounts and dates inside
translated sentences are isolated, and Arabic's zero plural form is used."""

from __future__ import annotations

import re

import httpx
from factories.delivery import make_item
from factories.proposals import feasible, make_cycle, make_proposal, move_to_phase

from proposals import service

AR = {"Accept-Language": "ar"}


async def test_names_and_amounts_are_isolated_in_arabic_sentences(client: httpx.AsyncClient) -> None:
    from support import make_account

    cycle = await make_cycle()
    pid = await make_proposal(await make_account(), cycle)
    await move_to_phase(cycle, "review")
    council = await make_account("council", name="Dana Okafor (Council)")
    await service.review(pid, council.id, feasible(cost=190_000))
    page = (await client.get(f"/proposals/{pid}", headers=AR)).text
    assert '<html lang="ar" dir="rtl">' in page
    assert "<bdi>Dana Okafor (Council)</bdi>" in page
    assert re.search(r"<bdi>[^<]*190[^<]*</bdi>", page), "the final cost is not isolated"
    # Zero comments: Arabic's own zero form, not "0 تعليق".
    assert "لا توجد تعليقات" in page and "0 تعليق" not in page


async def test_delivery_amounts_are_isolated(client: httpx.AsyncClient) -> None:
    await make_item(allocated=200_000)
    page = (await client.get("/delivery", headers=AR)).text
    assert re.search(r"<bdi>[^<]*200[^<]*</bdi>", page)
