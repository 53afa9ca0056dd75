"""Issue 16: "fewer than 5" everywhere a group is suppressed (pages, results JSON, turnout CSV,
API; never 0), and the completion and tie rule named on the result page, in the JSON and the .pb.
On both engines."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import httpx
from factories.ballots import make_ballot
from piccolo.engine.base import Engine
from support import make_account, sign_in

from ballots import service as ballots_service
from ballots.counting import service as counting
from ballots.results import service
from ballots.tables import Ballot
from ballots.tally.pabulib import parse


async def _published(voters: int, rule: str = "mes"):
    s = await make_ballot(rule=rule, budget=90_000)
    p = s.proposals
    patterns = [[p[0], p[1]], [p[2]], [p[1], p[3], p[0]], [p[3], p[2]], [p[0]], [p[2], p[0]]]
    for i in range(voters):
        voter = await make_account(neighborhood_id=s.hood, birth_year=1950 + i * 5)
        await ballots_service.cast_online(s.ballot_id, voter.id, patterns[i % len(patterns)])
    await Ballot.update({Ballot.closes_at: dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)}).where(
        Ballot.id == s.ballot_id)
    run = await counting.count_ballot(s.ballot_id)
    council = await make_account("council", neighborhood_id=s.hood)
    await service.publish(s.ballot_id, run.id, "Thank you.", council.id)
    return s, run


def _all_groups(data: dict) -> list[dict]:
    return [data["total"], *data["by_origin"], *data["by_age"], *data["by_neighborhood"]]


async def test_with_fewer_than_5_ballots_every_group_is_fewer_than_5_never_0(client: httpx.AsyncClient,
                                                                              db: Engine) -> None:
    s, _ = await _published(voters=3)
    turnout = await ballots_service.turnout(s.ballot_id)
    assert turnout.total is None
    assert all(g.count is None and g.fewer_than_five for g in [*turnout.by_origin, *turnout.by_age])

    data = json.loads((await client.get(f"/ballots/{s.ballot_id}/results/results.json")).text)["turnout"]
    for g in _all_groups(data):
        assert g["count"] is None and g["suppressed"] is True and g["fewer_than_5"] is True, g

    rows = list(csv.DictReader(io.StringIO((await client.get(f"/ballots/{s.ballot_id}/results/turnout.csv")).text)))
    assert rows and all(r["count"] == "" and r["suppressed"] == "1" and r["fewer_than_5"] == "1" for r in rows)

    api = json.loads((await client.get(f"/api/v1/ballots/{s.ballot_id}")).text)["turnout"]
    assert api["total"] is None and api["total_suppressed"] is True
    for g in api["by_origin"] + api["by_age"]:
        assert g["count"] is None and g["suppressed"] is True and g["fewer_than_5"] is True, g

    page = (await client.get(f"/ballots/{s.ballot_id}/results")).text
    who_voted = page[page.index('id="turnout-title"'):page.index('id="data-title"')]
    assert "fewer than 5" in who_voted and ">0<" not in who_voted
    detail = (await client.get(f"/ballots/{s.ballot_id}")).text
    turnout_html = detail[detail.index('id="turnout"'):]
    assert "Fewer than 5 ballots so far." in turnout_html
    assert "<td>0</td>" not in turnout_html[:turnout_html.index("</section>")]


async def test_small_groups_are_marked_the_same_way_in_json_csv_and_api(client: httpx.AsyncClient,
                                                                         db: Engine) -> None:
    s, _ = await _published(voters=12)
    data = json.loads((await client.get(f"/ballots/{s.ballot_id}/results/results.json")).text)["turnout"]
    assert data["total"] == {"count": 12, "suppressed": False, "fewer_than_5": False}
    online = next(g for g in data["by_origin"] if g["group"] == "online")
    assert online == {"group": "online", "count": 12, "suppressed": False, "fewer_than_5": False}
    # 12 voters born 1950, 1955, ... 2005: every age band has fewer than 5, so all are hidden.
    hidden = [g for g in data["by_age"] if g["suppressed"]]
    assert hidden and all(g["count"] is None for g in hidden)
    assert all(g["count"] is not None for g in data["by_age"] if not g["suppressed"])
    rows = {(r["breakdown"], r["group"]): r for r in csv.DictReader(io.StringIO(
        (await client.get(f"/ballots/{s.ballot_id}/results/turnout.csv")).text))}
    api = json.loads((await client.get(f"/api/v1/ballots/{s.ballot_id}")).text)["turnout"]
    api_age = {g["key"]: g for g in api["by_age"]}
    for g in data["by_age"]:
        row = rows[("by_age", g["group"])]
        assert row["count"] == ("" if g["count"] is None else str(g["count"]))
        assert (row["suppressed"], row["fewer_than_5"]) == (str(int(g["suppressed"])), str(int(g["fewer_than_5"])))
        assert {k: api_age[g["group"]][k] for k in ("count", "suppressed", "fewer_than_5")} == {
            k: g[k] for k in ("count", "suppressed", "fewer_than_5")}


async def test_completion_and_tie_rule_are_named_on_the_page_in_json_and_pb(client: httpx.AsyncClient,
                                                                            db: Engine) -> None:
    for rule in ("mes", "ear"):
        s, run = await _published(voters=12, rule=rule)
        assert run.completion["method"] == "budget_increase"
        data = json.loads((await client.get(f"/ballots/{s.ballot_id}/results/results.json")).text)
        assert data["completion"]["method"] == "budget_increase" and "steps" in data["completion"]
        assert "compared as a number" in data["tie_break"]
        pb = parse((await client.get(f"/ballots/{s.ballot_id}/results/ballots.pb")).text)
        assert pb.meta["completion"].startswith("budget_increase step=1%")
        assert pb.meta["completion"].endswith("then=greedy_by_points")
        page = (await client.get(f"/ballots/{s.ballot_id}/results")).text
        assert 'id="tie-rule"' in page and "compared as a number" in page and "compared as text" not in page
        council = await make_account("council", neighborhood_id=s.hood)
        await sign_in(client, council.email)
        assert "compared as a number" in (await client.get(f"/council/ballots/{s.ballot_id}/count/")).text


async def test_the_result_page_draws_voters_by_neighborhood(client: httpx.AsyncClient, db: Engine) -> None:
    """With online voters from two neighborhoods the page has a chart of them (it took the
    suppressed cells, which it could not unpack, before issue 21's second pass), drawn again the
    same from the kept drawing, and in the reader's language."""
    from support import make_neighborhood

    s = await make_ballot(rule="greedy", budget=90_000, city_wide=True)
    other = await make_neighborhood("Old Town")
    for i in range(12):
        voter = await make_account(neighborhood_id=s.hood if i % 2 else other, birth_year=1950 + i * 3)
        await ballots_service.cast_online(s.ballot_id, voter.id, [s.proposals[i % 3]])
    await Ballot.update({Ballot.closes_at: dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)}).where(
        Ballot.id == s.ballot_id)
    run = await counting.count_ballot(s.ballot_id)
    council = await make_account("council", neighborhood_id=s.hood)
    await service.publish(s.ballot_id, run.id, "Thank you.", council.id)
    first = await client.get(f"/ballots/{s.ballot_id}/results")
    assert first.status_code == 200, first.text[:500]
    assert 'id="turnout-neighborhood"' in first.text and "Old Town" in first.text
    again = await client.get(f"/ballots/{s.ballot_id}/results")
    charts = lambda text: text[text.index('id="charts-title"'):text.index('id="turnout-title"')]  # noqa: E731
    assert charts(again.text) == charts(first.text)
    client.cookies.set("lang", "es")
    spanish = await client.get(f"/ballots/{s.ballot_id}/results")
    assert "Papeletas por barrio" in charts(spanish.text)
