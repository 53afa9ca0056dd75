"""The dashboard's commitment figures count what the register shows, each linked to its list."""

from __future__ import annotations

import datetime as dt
import re

import httpx
from factories.assemblies import council_member, make_commitment
from support import text_of

from assemblies import rules, service
from server import clock


async def test_commitments_kept_on_time_late_and_dropped(client: httpx.AsyncClient) -> None:
    staff = await council_member()
    today = clock.today()
    on_time = await make_commitment("Publish the response times", promised=today + dt.timedelta(days=3), by=staff)
    await service.report(on_time, staff, rules.DONE, "Published on the open data page.")
    kept_late = await make_commitment("Repair the lamps", promised=today - dt.timedelta(days=3), by=staff)
    await service.report(kept_late, staff, rules.DONE, "All lamps repaired.")
    await make_commitment("Crossing guard at Elm Street", promised=today - dt.timedelta(days=1), by=staff)
    dropped = await make_commitment("Towpath cameras", by=staff)
    await service.report(dropped, staff, rules.DROPPED, "Residents preferred lighting to cameras.")

    page = await client.get("/dashboard")
    assert page.status_code == 200
    text = text_of(page.text)
    for label, number in (("Commitments", 4), ("Kept on time", 1), ("Kept late", 1),
                          ("Late: still open after the promised date", 1), ("Dropped", 1),
                          ("Overdue, even against a revised date", 1)):
        assert re.search(rf"{re.escape(label)} {number}\b", text), (label, text)
    # Each figure links to the list it counts.
    for query, title in (("outcome=kept_on_time", "Publish the response times"),
                         ("outcome=kept_late", "Repair the lamps"), ("outcome=late", "Crossing guard at Elm Street"),
                         ("outcome=dropped", "Towpath cameras"),
                         ("overdue=1", "Crossing guard at Elm Street")):
        assert f'href="/commitments?{query}"' in page.text.replace("&amp;", "&")
        listed = await client.get(f"/commitments?{query}")
        assert listed.status_code == 200
        assert "1 commitment" in text_of(listed.text) and title in listed.text, query


async def test_no_commitments_no_section(client: httpx.AsyncClient) -> None:
    page = await client.get("/dashboard")
    assert page.status_code == 200 and "Commitments made in public" not in page.text
