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
    return {"name": cycle.name, **{f: d.isoformat() for f, d in dates.items()}}


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


async def test_ballot_times_outside_the_voting_phase_are_refused_next_to_the_field(client: httpx.AsyncClient) -> None:
    """Issue 20, item 12 (ballot side): the form names the cycle's voting days beside the time that
    falls outside them and keeps everything that was typed."""
    import re

    from ballots import service as ballots_service

    s = await make_ballot()
    await signed_in_as(client, "council")
    cycle = await service.get_cycle(s.cycle_id)
    last_day = cycle.results_open - dt.timedelta(days=1)
    form = {"cycle_id": str(s.cycle_id), "fund": "city", "title": "Late city fund", "budget": "50000",
            "candidates": [str(p) for p in s.proposals[2:]], "max_ranks": "2", "min_ranks": "1",
            "rule": "mes", "explanation": "Voting runs on.", "decided_after": str(s.ballot_id),
            "opens_at": f"{clock.today() + dt.timedelta(days=1)}T09:00",
            "closes_at": f"{cycle.results_open + dt.timedelta(days=3)}T20:00"}
    refused = await post_form(client, "/council/ballots/new", form)
    assert refused.status_code == 400
    error = re.search(r'id="closes_at-error"[^>]*>(.*?)</p>', refused.text, re.S)
    assert error is not None and "must close by the end of" in error.group(1)
    assert f"<bdi>{cycle.name}</bdi>" in error.group(1) and 'id="opens_at-error"' not in refused.text
    summary = refused.text.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert '<a href="#closes_at">Voting closes: Voting in <bdi>' in summary  # the summary names the field
    for typed in ('value="Late city fund"', f'value="{form["closes_at"]}"', f'value="{form["opens_at"]}"'):
        assert typed in refused.text
    assert len(await ballots_service.list_ballots()) == 1
    fitting = {**form, "closes_at": f"{last_day}T20:00"}
    assert (await post_form(client, "/council/ballots/new", fitting)).status_code == 303
    # Extending the open ballot past the voting phase is refused on its page, with the date typed.
    late = f"{cycle.results_open}T08:00"
    extended = await post_form(client, f"/council/ballots/{s.ballot_id}/extend", {"closes_at": late})
    assert extended.status_code == 400 and 'id="closes_at-error"' in extended.text
    assert f'value="{late}"' in extended.text and "move the cycle" in text_of(extended.text)
    assert await ballots_service.changes(s.ballot_id) == []
