from __future__ import annotations

import datetime as dt

import httpx
from factories.ballots import make_ballot
from piccolo.engine.base import Engine
from support import make_account, post_form, sign_in, signed_in_as

from ballots import open_cache
from ballots import service as ballots_service
from ballots.counting.tables import CountRun
from ballots.tables import Ballot


async def _close(ballot_id: int) -> None:
    await Ballot.update({Ballot.closes_at: dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)}).where(
        Ballot.id == ballot_id)
    open_cache.forget()  # the test moves time by writing the row; the app never can


async def test_council_counts_a_closed_ballot_and_reads_the_draft(client: httpx.AsyncClient, db: Engine) -> None:
    s = await make_ballot()
    voter = await make_account(neighborhood_id=s.hood, birth_year=1980)
    await ballots_service.cast_online(s.ballot_id, voter.id, [s.proposals[1], s.proposals[0]])
    council = await make_account("council", neighborhood_id=s.hood)
    await sign_in(client, council.email)
    page = await client.get(f"/council/ballots/{s.ballot_id}/count/")
    assert page.status_code == 200 and "Voting is still open" in page.text
    refused = await post_form(client, f"/council/ballots/{s.ballot_id}/count/")
    assert refused.status_code == 303
    await _close(s.ballot_id)
    done = await post_form(client, f"/council/ballots/{s.ballot_id}/count/")
    assert done.status_code == 303
    page = await client.get(f"/council/ballots/{s.ballot_id}/count/")
    assert "Draft result" in page.text and "Funded in round" in page.text


async def test_residents_cannot_count(client: httpx.AsyncClient, db: Engine) -> None:
    s = await make_ballot()
    await signed_in_as(client, "resident")
    assert (await client.get(f"/council/ballots/{s.ballot_id}/count/")).status_code == 403
    assert (await post_form(client, f"/council/ballots/{s.ballot_id}/count/")).status_code == 403


async def test_council_sees_a_count_in_progress(client: httpx.AsyncClient, db: Engine) -> None:
    s = await make_ballot()
    await _close(s.ballot_id)
    await CountRun.insert(CountRun(ballot=s.ballot_id, rule="mes", ballot_set_hash="0" * 64, status="running",
                                   ballots_counted=1234, passes=17, heartbeat_at=dt.datetime.now(dt.UTC)))
    council = await make_account("council", neighborhood_id=s.hood)
    await sign_in(client, council.email)
    page = await client.get(f"/council/ballots/{s.ballot_id}/count/")
    assert page.status_code == 200
    assert "Counting now" in page.text and "1,234 ballots" in page.text
    assert "17 passes over the ballots finished so far" in page.text
    # htmx polls the status fragment while the count runs.
    fragment = await client.get(f"/council/ballots/{s.ballot_id}/count/", headers={"HX-Request": "true"})
    assert 'hx-trigger="every 2s"' in fragment.text and "17 passes" in fragment.text
