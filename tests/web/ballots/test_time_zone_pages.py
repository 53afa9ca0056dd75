"""Council staff type voting times on their city's clock and residents read them on it: a council in
Chicago that opens voting at 9:00 means 9:00 in Chicago, not 9:00 in London."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx
import pytest
from factories.ballots import make_ballot
from factories.proposals import widen_voting
from support import make_account, post_form, sign_in

from ballots import service
from server import clock


@pytest.fixture
def settings_env() -> dict[str, str]:
    return {"TOWNSQUARE_TIME_ZONE": "America/Chicago"}


@pytest.fixture(autouse=True)
def back_to_utc() -> Iterator[None]:
    yield
    clock.set_zone("UTC")


async def test_voting_times_are_typed_and_shown_on_the_city_clock(client: httpx.AsyncClient) -> None:
    s = await make_ballot()
    council = await make_account("council", neighborhood_id=s.hood)
    await sign_in(client, council.email)
    form = await client.get(f"/council/ballots/new?cycle_id={s.cycle_id}&fund={s.hood}")
    assert "Voting opens (America/Chicago time)" in form.text
    year = dt.date.today().year + 1
    first_sunday = 1 + (6 - dt.date(year, 3, 1).weekday()) % 7
    spring_forward = dt.date(year, 3, first_sunday + 7)  # US summer time starts on March's second Sunday
    data = {"cycle_id": str(s.cycle_id), "fund": str(s.hood), "title": "Riverside by the clock", "budget": "90000",
            "candidates": [str(p) for p in s.proposals[:3]], "max_ranks": "3", "min_ranks": "1",
            "opens_at": f"{year}-01-10T09:00", "closes_at": f"{spring_forward}T02:30", "rule": "greedy",
            "explanation": "", "decided_after": str(s.ballot_id)}  # same projects: decided after the first
    # 2:30 a.m. that night does not exist in Chicago: say so, keep what was typed.
    skipped = await post_form(client, "/council/ballots/new", data)
    assert skipped.status_code == 400 and "skip this time" in skipped.text
    assert f'value="{spring_forward}T02:30"' in skipped.text and 'value="Riverside by the clock"' in skipped.text
    await widen_voting(s.cycle_id, dt.date(year, 1, 10), dt.date(year, 1, 20))  # a ballot fits the voting phase
    created = await post_form(client, "/council/ballots/new", {**data, "closes_at": f"{year}-01-20T18:00"})
    assert created.status_code == 303, created.text
    ballot_id = int(created.headers["location"].rsplit("/", 1)[1])
    ballot = await service.get_ballot(ballot_id)
    assert ballot is not None
    assert ballot.opens_at.astimezone(dt.UTC) == dt.datetime(year, 1, 10, 15, 0, tzinfo=dt.UTC)
    assert ballot.closes_at.astimezone(dt.UTC) == dt.datetime(year, 1, 21, 0, 0, tzinfo=dt.UTC)
    # The form shows the stored moments back on the city's clock, unchanged.
    edit = await client.get(f"/council/ballots/{ballot_id}/edit")
    assert f'value="{year}-01-10T09:00"' in edit.text and f'value="{year}-01-20T18:00"' in edit.text
    page = await client.get(f"/ballots/{ballot_id}")
    assert "(CST)" in page.text and "6:00" in page.text
