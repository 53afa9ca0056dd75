"""The transparency dashboard counts what the lists show, and links every figure to its list."""

from __future__ import annotations

import datetime as dt

import httpx
from factories.ballots import make_ballot
from factories.proposals import make_proposals
from piccolo.engine.base import Engine
from support import make_account, text_of

from ballots import open_cache
from ballots import service as ballots_service
from ballots.counting import service as counting
from ballots.results import service as results
from ballots.tables import Ballot
from delivery.tables import DeliveryItem, Milestone
from server import clock
from transparency.dashboard.service import cycle_figures


async def test_cycle_figures_and_links(client: httpx.AsyncClient, db: Engine) -> None:
    s = await make_ballot(budget=80_000)
    await make_proposals(s.cycle_id, s.hood, s.council_id, [5_000], status="not_feasible", eligible=False)
    p = s.proposals
    for i in range(6):
        voter = await make_account(neighborhood_id=s.hood, birth_year=1970 + i)
        await ballots_service.cast_online(s.ballot_id, voter.id, [p[i % 3], p[3]])
    await Ballot.update({Ballot.closes_at: dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)}).where(
        Ballot.id == s.ballot_id)
    open_cache.forget()  # the test moves time by writing the row; the app never can
    run = await counting.count_ballot(s.ballot_id)
    await results.publish(s.ballot_id, run.id, "Done", s.council_id)
    items = await DeliveryItem.select(DeliveryItem.id, DeliveryItem.allocated)
    first = items[0]["id"]
    await DeliveryItem.update({DeliveryItem.status: "completed", DeliveryItem.percent_complete: 100,
                               DeliveryItem.spent: items[0]["allocated"]}).where(DeliveryItem.id == first)
    today = clock.today()
    await Milestone.insert(Milestone(item=first, name="Done early", planned_date=today, actual_date=today))
    if len(items) > 1:
        await Milestone.insert(Milestone(item=items[1]["id"], name="Late", planned_date=today - dt.timedelta(days=3)))

    f = await cycle_figures(s.cycle_id)
    assert f is not None
    assert f.proposals_received == 5 and f.proposals_feasible == 4 and f.on_ballot == 4
    assert f.turnout == 6 and f.ballots[0].has_result
    assert f.projects_funded == len(run.funded) == len(items)
    assert f.allocated == sum(x.cost for x in run.funded)
    assert f.projects_completed == 1 and f.completed_on_time == 1 and f.delivered == items[0]["allocated"]
    assert f.overdue_items == (1 if len(items) > 1 else 0)

    page = await client.get(f"/dashboard/{s.cycle_id}")
    assert page.status_code == 200
    assert f'href="/proposals?cycle={s.cycle_id}&amp;status=feasible">4</a>' in page.text
    assert f'href="/ballots/{s.ballot_id}/results"' in page.text
    assert 'role="img"' in page.text
    # Issue 20, item 13: visible chart titles with units, a fill of their own, links to this cycle only.
    assert '<h3 id="chart-title-1">Money allocated by neighborhood</h3><p class="hint">Amounts in USD</p>' in page.text
    assert '<h3 id="chart-title-2">Ballots cast per vote</h3><p class="hint">Number of ballots</p>' in page.text
    assert 'fill="url(#money-' in page.text and "-dots)" in page.text and 'fill="url(#turnout-' in page.text
    assert f'href="/ballots?cycle={s.cycle_id}"' in page.text and 'href="/ballots"' not in page.text.split("<main")[1]
    assert f'href="/delivery?cycle={s.cycle_id}"' in page.text
    votes = await client.get(f"/ballots?cycle={s.cycle_id + 1}")
    assert f'href="/ballots/{s.ballot_id}"' not in votes.text and "Show every vote" in votes.text
    index = await client.get("/dashboard")
    assert "Proposals received" in text_of(index.text) and f'href="/dashboard/{s.cycle_id}"' in index.text
    assert (await client.get("/dashboard/99999")).status_code == 404
