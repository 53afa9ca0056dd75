"""Publishing results and the open data that lets anyone recount them, on both engines."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from pathlib import Path

import anyio
import httpx
import pytest
from factories.ballots import make_ballot
from piccolo.engine.base import Engine
from support import make_account, post_form, sign_in, signed_in_as

from ballots import open_cache
from ballots import service as ballots_service
from ballots.counting import service as counting
from ballots.results import service
from ballots.results.tables import ResultPublication
from ballots.tables import Ballot
from ballots.tally.pabulib import parse

ROOT = Path(__file__).resolve().parents[3]


async def _closed_and_counted(rule: str = "mes", voters: int = 12):
    s = await make_ballot(rule=rule, budget=90_000)
    p = s.proposals
    patterns = [[p[0], p[1]], [p[2]], [p[1], p[3], p[0]], [p[3], p[2]], [p[0]], [p[2], p[0]]]
    for i in range(voters):
        voter = await make_account(neighborhood_id=s.hood, birth_year=1950 + i * 5)
        await ballots_service.cast_online(s.ballot_id, voter.id, patterns[i % len(patterns)])
    await Ballot.update({Ballot.closes_at: dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)}).where(
        Ballot.id == s.ballot_id)
    open_cache.forget()  # the test moves time by writing the row; the app never can
    run = await counting.count_ballot(s.ballot_id)
    return s, run


async def test_only_council_publishes(client: httpx.AsyncClient, db: Engine) -> None:
    s, run = await _closed_and_counted()
    await signed_in_as(client, "resident")
    response = await post_form(client, f"/council/ballots/{s.ballot_id}/publish/",
                               {"count_run_id": str(run.id), "statement": "We did it"})
    assert response.status_code == 403
    assert await ResultPublication.count() == 0
    assert (await client.get(f"/ballots/{s.ballot_id}/results")).status_code == 404


async def test_publish_then_correct_both_stay_visible(client: httpx.AsyncClient, db: Engine) -> None:
    s, run = await _closed_and_counted()
    council = await make_account("council", neighborhood_id=s.hood)
    await sign_in(client, council.email)
    empty = await post_form(client, f"/council/ballots/{s.ballot_id}/publish/",
                            {"count_run_id": str(run.id), "statement": "  "})
    assert empty.status_code == 400 and "Please write a statement" in empty.text
    ok = await post_form(client, f"/council/ballots/{s.ballot_id}/publish/",
                         {"count_run_id": str(run.id), "statement": "Thank you, Riverside."})
    assert ok.status_code == 303
    page = await client.get(f"/ballots/{s.ballot_id}/results")
    assert page.status_code == 200 and "Thank you, Riverside." in page.text
    assert "Funded projects" in page.text and "Projects not funded, and why" in page.text
    # A correction without a reason is refused and keeps the statement typed.
    refused = await post_form(client, f"/council/ballots/{s.ballot_id}/publish/",
                              {"count_run_id": str(run.id), "statement": "Corrected statement"})
    assert refused.status_code == 400 and "A correction needs a reason" in refused.text
    assert "Corrected statement" in refused.text
    corrected = await post_form(client, f"/council/ballots/{s.ballot_id}/publish/", {
        "count_run_id": str(run.id), "statement": "Corrected statement", "correction_reason": "Typo in the names"})
    assert corrected.status_code == 303
    latest = await client.get(f"/ballots/{s.ballot_id}/results")
    assert "This is a corrected version" in latest.text and "Typo in the names" in latest.text
    first = await client.get(f"/ballots/{s.ballot_id}/results?version=1")
    assert "Thank you, Riverside." in first.text and "A newer version was published" in first.text
    versions = await service.publications(s.ballot_id)
    assert [v.version for v in versions] == [2, 1]
    assert versions[1].statement == "Thank you, Riverside."  # the first version is unchanged


async def test_published_result_has_no_edit_route(app, db: Engine) -> None:
    for route in app.routes:
        if "publish" in route.path or "results" in route.path:
            assert not ({"PUT", "PATCH", "DELETE"} & set(route.methods)), route.path


async def test_export_has_every_counted_ballot_and_no_personal_data(client: httpx.AsyncClient, db: Engine) -> None:
    s, run = await _closed_and_counted(voters=9)
    council = await make_account("council", neighborhood_id=s.hood)
    await service.publish(s.ballot_id, run.id, "Published", council.id)
    download = await client.get(f"/ballots/{s.ballot_id}/results/ballots.pb")
    assert download.headers["content-type"] == "text/plain; charset=utf-8"  # once (issue 20.15)
    text = download.text
    pb = parse(text)
    assert len(pb.vote_rows) == 9 == run.ballots_counted
    assert pb.vote_header == ["voter_id", "vote", "receipt_fingerprint"]
    assert all(len(row[2]) == 20 for row in pb.vote_rows)
    assert [row[2] for row in pb.vote_rows] == sorted(row[2] for row in pb.vote_rows)  # no casting order
    assert "@example.org" not in text and "Resident" not in text
    counted = sorted(tuple(r) for r, w in await ballots_service.counted_ballots(s.ballot_id) for _ in range(w))
    exported = sorted(tuple(int(x) for x in row[1].split(",")) for row in pb.vote_rows)
    assert exported == counted
    from ballots.tally import ballot_set_hash

    assert ballot_set_hash(pb.election) == run.ballot_set_hash
    results_csv = await client.get(f"/ballots/{s.ballot_id}/results/results.csv")
    assert results_csv.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(results_csv.text)))
    assert {int(r["project_id"]) for r in rows} == set(s.proposals)


@pytest.mark.parametrize("rule", ["mes", "greedy", "ear"])
async def test_recount_from_the_downloaded_file_equals_the_published_result(
        client: httpx.AsyncClient, db: Engine, tmp_path: Path, rule: str) -> None:
    s, run = await _closed_and_counted(rule=rule, voters=14)
    council = await make_account("council", neighborhood_id=s.hood)
    await service.publish(s.ballot_id, run.id, "Published", council.id)
    pb_path = tmp_path / "ballots.pb"
    pb_path.write_text((await client.get(f"/ballots/{s.ballot_id}/results/ballots.pb")).text)
    published = json.loads((await client.get(f"/ballots/{s.ballot_id}/results/results.json")).text)
    result = await anyio.run_process(
        [sys.executable, "-m", "server.cli", "tally", str(pb_path), "--rule", rule, "--json"], cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr.decode()
    recount = json.loads(result.stdout)
    assert recount["selected"] == published["selected"]
    assert recount["spent"] == published["spent"] and recount["budget"] == published["budget"]
    assert {p["id"]: p["points"] for p in recount["projects"]} == {p["id"]: p["points"] for p in published["projects"]}
    assert {p["id"]: p["explanation"]["code"] for p in recount["projects"]} == {
        p["id"]: p["explanation"]["code"] for p in published["projects"]}


async def test_publication_creates_delivery_items_charts_and_feed_entry(client: httpx.AsyncClient, db: Engine) -> None:
    from delivery.tables import DeliveryItem

    s, run = await _closed_and_counted()
    council = await make_account("council", neighborhood_id=s.hood)
    await service.publish(s.ballot_id, run.id, "Published", council.id)
    items = await DeliveryItem.select(DeliveryItem.proposal, DeliveryItem.allocated).where(
        DeliveryItem.ballot_id == s.ballot_id)
    assert {(i["proposal"], i["allocated"]) for i in items} == {(p.proposal_id, p.cost) for p in run.funded}
    await service.publish(s.ballot_id, run.id, "Again", council.id, correction_reason="Clarified")
    assert await DeliveryItem.count().where(DeliveryItem.ballot_id == s.ballot_id) == len(items)
    page = (await client.get(f"/ballots/{s.ballot_id}/results")).text
    assert page.count('role="img"') >= 2 and "<title id=" in page and "<details" in page
    feed = (await client.get("/feeds/delivery.atom")).text
    assert f"/ballots/{s.ballot_id}/results?version=1" in feed and "version=2" in feed
    # Issue 20, item 13: amounts formatted, plurals right, the correction's reason said.
    assert "Corrected because: Clarified" in feed and "$" in feed
    assert ("1 project funded." in feed) if len(run.funded) == 1 else (f"{len(run.funded)} projects funded." in feed)


async def test_turnout_by_neighborhood_suppresses_small_groups(db: Engine) -> None:
    from support import make_neighborhood

    s = await make_ballot(city_wide=True)
    other = await make_neighborhood("Hillcrest")
    third = await make_neighborhood("Old Town")
    for hood, n in ((s.hood, 6), (other, 3), (third, 8)):
        for i in range(n):
            voter = await make_account(neighborhood_id=hood, birth_year=1980 + i)
            await ballots_service.cast_online(s.ballot_id, voter.id, [s.proposals[0]])
    counts = dict(await service.turnout_by_neighborhood(s.ballot_id))
    # Hillcrest has fewer than 5; the next smallest group is hidden too, so the total cannot give it away.
    assert counts == {"Riverside": None, "Hillcrest": None, "Old Town": 8}


async def test_the_ballots_council_page_leads_from_closing_to_counting_to_publishing(
        client: httpx.AsyncClient, db: Engine) -> None:
    s = await make_ballot(rule="greedy", budget=90_000)
    voter = await make_account(neighborhood_id=s.hood, birth_year=1980)
    await ballots_service.cast_online(s.ballot_id, voter.id, [s.proposals[0]])
    council = await make_account("council", neighborhood_id=s.hood)
    await sign_in(client, council.email)
    manage = f"/council/ballots/{s.ballot_id}"
    open_page = await client.get(manage)
    assert open_page.status_code == 200 and "Count and result" not in open_page.text  # nothing to do yet

    await Ballot.update({Ballot.closes_at: dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)}).where(
        Ballot.id == s.ballot_id)

    open_cache.forget()  # the test moves time by writing the row; the app never can
    closed = await client.get(manage)
    assert "Count and result" in closed.text and "Voting has closed" in closed.text
    assert f'href="/council/ballots/{s.ballot_id}/count/"' in closed.text
    assert f'href="/council/ballots/{s.ballot_id}/publish/"' not in closed.text  # nothing counted to publish
    assert "Not counted yet" in (await client.get("/council/ballots")).text

    run = await counting.count_ballot(s.ballot_id)
    counted = await client.get(manage)
    assert "1 ballot counted." in counted.text and "The result is not published yet" in counted.text
    assert f'href="/council/ballots/{s.ballot_id}/publish/">Review and publish the result' in counted.text
    count_page = await client.get(f"/council/ballots/{s.ballot_id}/count/")
    assert "Not published yet" in count_page.text and "Review and publish the result" in count_page.text
    assert "Counted: ready to publish" in (await client.get("/council/ballots")).text

    ok = await post_form(client, f"/council/ballots/{s.ballot_id}/publish/",
                         {"count_run_id": str(run.id), "statement": "Thank you."})
    assert ok.status_code == 303
    published = await client.get(manage)
    assert "Version 1 of the result was published" in published.text
    assert f'href="/ballots/{s.ballot_id}/results">See the published result' in published.text
    assert "Publish a corrected version" in published.text and "Review and publish" not in published.text
    count_page = await client.get(f"/council/ballots/{s.ballot_id}/count/")
    assert "A result is already published" in count_page.text and "Not published yet" not in count_page.text
    assert "Publish a corrected version" in count_page.text
    listed = (await client.get("/council/ballots")).text
    assert "Result published" in listed and "ready to publish" not in listed and "Not counted yet" not in listed


async def test_proposal_timeline_continues_through_ballot_result_and_delivery(
        client: httpx.AsyncClient, db: Engine) -> None:
    """Issue 20, item 11: the proposal's public history goes on past review, with links both ways,
    and the closed ballot's page links to its published result."""
    from support import text_of

    from delivery.tables import DeliveryItem

    s, run = await _closed_and_counted()
    ballot_page = await client.get(f"/ballots/{s.ballot_id}")
    assert f'href="/ballots/{s.ballot_id}/results"' not in ballot_page.text
    council = await make_account("council", neighborhood_id=s.hood)
    await service.publish(s.ballot_id, run.id, "Published", council.id)
    assert f'href="/ballots/{s.ballot_id}/results"' in (await client.get(f"/ballots/{s.ballot_id}")).text
    funded = run.funded[0].proposal_id
    item = (await DeliveryItem.select(DeliveryItem.id).where(DeliveryItem.proposal == funded).first())["id"]
    page = await client.get(f"/proposals/{funded}")
    history = page.text.split('id="history-title"', 1)[1]
    assert f'href="/ballots/{s.ballot_id}"' in history and f'href="/ballots/{s.ballot_id}/results"' in history
    assert "Funded:" in text_of(history) and f'href="/delivery/{item}"' in history
    losers = [p for p in s.proposals if p not in {f.proposal_id for f in run.funded}]
    if losers:
        lost = (await client.get(f"/proposals/{losers[0]}")).text.split('id="history-title"', 1)[1]
        assert "Not funded:" in text_of(lost) and '<blockquote class="reason">' in lost
