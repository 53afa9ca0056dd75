"""A budget cycle's voting phase follows its ballots (issue 20, item 12): an edit that would say
voting ends before a ballot closes, or move a cycle with an open ballot back into review, is
refused with the ballot's own times."""

from __future__ import annotations

import datetime as dt

import httpx
from factories.ballots import make_ballot
from support import post_form, signed_in_as, text_of

from proposals import phases, service
from server import clock


def _form(cycle, **changes: dt.date) -> dict[str, str]:
    dates = {f: getattr(cycle, f) for f in phases.DATE_FIELDS} | changes
    # The ways of verification as the edit page shows them ticked (a browser sends the ticked boxes).
    return {"name": cycle.name, **{f: d.isoformat() for f, d in dates.items()},
            **{f"path_{p}": "yes" for p in cycle.paths}}


async def test_cycle_edit_that_contradicts_a_ballot_is_refused(client: httpx.AsyncClient) -> None:
    s = await make_ballot(title="Riverside safety ballot")
    await signed_in_as(client, "council")
    cycle = await service.get_cycle(s.cycle_id)
    today = clock.today()
    back_to_review = _form(cycle, voting_open=today + dt.timedelta(days=2))
    refused = await post_form(client, f"/council/cycles/{s.cycle_id}/edit", back_to_review)
    assert refused.status_code == 400
    page = text_of(refused.text)
    assert "“Riverside safety ballot” is open for voting from" in page and "voting phase must start" in page
    assert (await service.get_cycle(s.cycle_id)).phase == phases.VOTING
    too_short = _form(cycle, results_open=today + dt.timedelta(days=3))  # the ballot closes in 7 days
    assert (await post_form(client, f"/council/cycles/{s.cycle_id}/edit", too_short)).status_code == 400
    fine = _form(cycle, results_open=today + dt.timedelta(days=20))
    assert (await post_form(client, f"/council/cycles/{s.cycle_id}/edit", fine)).status_code == 303
    assert (await service.get_cycle(s.cycle_id)).results_open == today + dt.timedelta(days=20)


async def test_change_log_shows_times_as_people_read_them(client: httpx.AsyncClient) -> None:
    """Issue 20, item 13: the ballot's change log showed raw ISO times."""
    from ballots import service as ballots_service

    s = await make_ballot()
    await signed_in_as(client, "council")
    ballot = await ballots_service.get_ballot(s.ballot_id)
    await ballots_service.extend_ballot(s.ballot_id, ballot.closes_at + dt.timedelta(days=1), s.council_id)
    page = await client.get(f"/council/ballots/{s.ballot_id}")
    log = page.text.split('id="log-title"', 1)[1]
    assert "+00:00" not in log
    assert "(UTC)" in log


async def test_council_chooses_the_ways_of_verification_per_cycle(client: httpx.AsyncClient) -> None:
    from factories.proposals import make_cycle

    cycle_id = await make_cycle()
    await signed_in_as(client, "council")
    edit = await client.get(f"/council/cycles/{cycle_id}/edit")
    assert edit.text.count('name="path_') == 3 and edit.text.count("checked") >= 3  # all three, ticked
    cycle = await service.get_cycle(cycle_id)
    form = {k: v for k, v in _form(cycle).items() if not k.startswith("path_")} | {"path_codes": "yes"}
    assert (await post_form(client, f"/council/cycles/{cycle_id}/edit", form)).status_code == 303
    assert (await service.get_cycle(cycle_id)).paths == {"codes"}
    page = text_of((await client.get(f"/cycles/{cycle_id}")).text)
    assert "Access codes handed out at events" in page and "Eligibility roll" not in page
