"""Voting through HTTP: the ranking builder with and without htmx, review, cast, receipts, codes,
refusals, concurrency, and the council's pages."""

from __future__ import annotations

import asyncio
import datetime as dt
import re

import httpx
from factories.ballots import NOW, make_ballot, make_codes
from support import make_account, make_neighborhood, post_form, sign_in, signed_in_as, text_of

from ballots import service
from ballots.tables import AccessCode, Participation, SealedBallot, TurnoutCount


def receipt_in(html: str) -> str:
    match = re.search(r"<code>([A-Z0-9-]{19})</code>", html)
    assert match, html
    return match.group(1)


async def test_list_detail_and_home_section(client: httpx.AsyncClient) -> None:
    s = await make_ballot()
    await signed_in_as(client, neighborhood_id=s.hood)
    page = await client.get("/ballots")
    assert page.status_code == 200 and "Riverside fund 2026" in page.text
    detail = await client.get(f"/ballots/{s.ballot_id}")
    assert detail.status_code == 200
    text = text_of(detail.text)
    assert "Vote now" in text and "Method of Equal Shares" in text and "Residents of Riverside" in text
    assert f'href="/proposals/{s.proposals[0]}"' in detail.text
    assert f'hx-get="/ballots/{s.ballot_id}/turnout"' in detail.text
    fragment = await client.get(f"/ballots/{s.ballot_id}/turnout")
    assert fragment.status_code == 200 and "<html" not in fragment.text and "Turnout so far" in fragment.text
    home = await client.get("/")
    assert "Voting is open in Riverside until" in text_of(home.text)
    assert 'href="/ballots"' in home.text


async def test_build_review_cast_and_check_receipt(client: httpx.AsyncClient) -> None:
    s = await make_ballot()
    await signed_in_as(client, neighborhood_id=s.hood)
    url = f"/ballots/{s.ballot_id}/vote"
    assert (await client.get(url)).status_code == 200
    a, b, c = s.proposals[:3]
    step = await post_form(client, url, {"op": f"add:{a}"})
    assert step.status_code == 200 and f'name="rank" value="{a}"' in step.text
    # htmx: only the ranking fragment and the live announcement come back.
    frag = await post_form(client, url, {"rank": [a, b], "op": f"up:{b}"}, headers={"hx-request": "true"})
    assert frag.status_code == 200 and "<html" not in frag.text
    assert re.findall(r'name="rank" value="(\d+)"', frag.text) == [str(b), str(a)]
    assert "moved to rank 1" in frag.text and 'hx-swap-oob="true"' in frag.text
    assert re.search(rf'id="up-{b}"[^>]*autofocus', frag.text)  # focus stays on the button that was pressed
    removed = await post_form(client, url, {"rank": [a, b], "op": f"remove:{a}"}, headers={"hx-request": "true"})
    assert "removed from your ranking" in removed.text and re.search(rf'id="add-{a}"[^>]*autofocus', removed.text)
    review = await post_form(client, f"/ballots/{s.ballot_id}/review", {"rank": [b, a, c]})
    assert review.status_code == 200 and "Confirm and cast my ballot" in review.text
    assert "Change my ranking" in review.text
    cast = await post_form(client, f"/ballots/{s.ballot_id}/cast", {"rank": [b, a, c]})
    assert cast.status_code == 200 and cast.headers["cache-control"] == "no-store"
    receipt = receipt_in(cast.text)
    again = await post_form(client, f"/ballots/{s.ballot_id}/cast", {"rank": [a]})
    assert again.status_code == 409 and "Your ballot is recorded" in again.text and "/ballots/receipt" in again.text
    assert (await client.get(url)).status_code == 409
    check = await post_form(client, "/ballots/receipt", {"receipt": receipt.lower()})
    assert check.status_code == 200
    assert [m for m in re.findall(r"<li>([^<]+)</li>", check.text)][:3] == [
        f"Project {i} ({cost})" for i, cost in ((2, 30000), (1, 40000), (3, 25000))]
    # Replace with the receipt: the old ballot stops counting.
    replace = await post_form(client, f"/ballots/{s.ballot_id}/replace", {"receipt": receipt})
    assert replace.status_code == 200 and "You are replacing your ballot" in replace.text
    new = await post_form(client, f"/ballots/{s.ballot_id}/cast", {"rank": [c], "receipt": receipt})
    assert new.status_code == 200
    assert await service.counted_ballots(s.ballot_id) == [([c], 1)]
    assert await SealedBallot.count() == 2 and await Participation.count() == 1


async def test_bad_ranking_is_refused_with_choices_kept(client: httpx.AsyncClient) -> None:
    s = await make_ballot(min_ranks=2)
    await signed_in_as(client, neighborhood_id=s.hood)
    a = s.proposals[0]
    response = await post_form(client, f"/ballots/{s.ballot_id}/review", {"rank": [a]})
    assert response.status_code == 400
    assert "Please rank at least 2 projects" in text_of(response.text)
    assert f'name="rank" value="{a}"' in response.text
    dup = await post_form(client, f"/ballots/{s.ballot_id}/review", {"rank_1": str(a), "rank_2": str(a)})
    assert dup.status_code == 400 and "only once" in dup.text
    assert f'<option value="{a}" selected>' in dup.text
    ids = re.findall(r' id="([^"]+)"', dup.text)
    assert len(ids) == len(set(ids)), "two elements share an id (issue 20, item 20)"
    foreign = await post_form(client, f"/ballots/{s.ballot_id}/cast", {"rank": [a, 987654]})
    assert foreign.status_code == 400 and "not on this ballot" in foreign.text
    assert await SealedBallot.count() == 0


async def test_ineligible_and_closed(client: httpx.AsyncClient) -> None:
    s = await make_ballot()
    await signed_in_as(client, neighborhood_id=await make_neighborhood("Hillcrest"))
    page = await client.get(f"/ballots/{s.ballot_id}/vote")
    assert page.status_code == 403 and "residents of Riverside" in page.text
    cast = await post_form(client, f"/ballots/{s.ballot_id}/cast", {"rank": [s.proposals[0]]})
    assert cast.status_code in (303, 403) and await SealedBallot.count() == 0
    closed = await make_ballot("Old Town", opens=NOW - dt.timedelta(days=5), closes=NOW - dt.timedelta(days=1))
    client.cookies.clear()
    await signed_in_as(client, neighborhood_id=closed.hood)
    refused = await post_form(client, f"/ballots/{closed.ballot_id}/cast", {"rank": [closed.proposals[0]]})
    assert refused.status_code == 303 and await SealedBallot.count() == 0


async def test_concurrent_http_casts_leave_one_ballot(client: httpx.AsyncClient) -> None:
    s = await make_ballot()
    await signed_in_as(client, neighborhood_id=s.hood)
    await client.get(f"/ballots/{s.ballot_id}/vote")
    responses = await asyncio.gather(*[
        post_form(client, f"/ballots/{s.ballot_id}/cast", {"rank": [s.proposals[0]]}) for _ in range(20)
    ])
    assert sorted(r.status_code for r in responses) == [200] + [409] * 19
    assert await SealedBallot.count() == 1


async def test_vote_with_code_once(client: httpx.AsyncClient, other_client: httpx.AsyncClient) -> None:
    s = await make_ballot("Eastgate", city_wide=True, age_min=12, age_max=22)
    # A youth event's batch: the code carries the window, nobody types a birth year.
    codes = await make_codes(s.ballot_id, 2, "Eastgate youth centre", age_min=12, age_max=17)
    page = await client.get("/vote")
    assert "birth_year" not in page.text
    ok = await post_form(client, "/vote", {"code": codes[0].replace("-", " ").lower()})
    assert ok.status_code == 303 and ok.headers["location"] == f"/ballots/{s.ballot_id}/vote"
    cast = await post_form(client, f"/ballots/{s.ballot_id}/cast", {"rank": [s.proposals[1]]})
    assert cast.status_code == 200 and receipt_in(cast.text)
    turnout = await service.turnout(s.ballot_id)
    assert turnout.total is None  # one ballot: every group hidden, but it is counted as a code 12-17 voter
    rows = await TurnoutCount.select(TurnoutCount.origin, TurnoutCount.age_band, TurnoutCount.n)
    assert rows == [{"origin": "code", "age_band": "12-17", "n": 1}]
    used = await post_form(other_client, "/vote", {"code": codes[0]})
    # A used code (a second voter, or the first one retrying) hears that its ballot is recorded.
    assert used.status_code == 409 and "Your ballot is recorded" in used.text
    # After casting, the code session is gone: no second ballot from the same browser.
    assert (await post_form(client, f"/ballots/{s.ballot_id}/cast", {"rank": [s.proposals[1]]})).status_code == 303
    assert await SealedBallot.count() == 1


async def test_code_entry_slows_an_address_down_without_locking_out_a_valid_code(
        app, client: httpx.AsyncClient) -> None:
    """Issue 15, item 7: ten wrong codes from one address are free; after that every try waits longer
    (recorded here instead of spent), and a valid code typed at the same kiosk still works."""
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    app.state.code_entry.sleep = record
    s = await make_ballot()
    good = (await make_codes(s.ballot_id, 1))[0]
    wrong = [f"ABCD{c}-FGH23" for c in "EFGHJKMNPQRSTU"]
    statuses = [(await post_form(client, "/vote", {"code": code})).status_code for code in wrong[:13]]
    assert statuses == [400] * 13
    assert waits == [1.0, 2.0, 4.0]
    slowed = await post_form(client, "/vote", {"code": wrong[13]})
    assert "each try takes a little longer" in slowed.text and 'value="ABCDU-FGH23"' in slowed.text
    assert (await post_form(client, "/vote", {"code": good})).status_code == 303
    assert waits[-1] == 16.0


async def test_one_code_tried_too_often_is_refused_for_a_while(client: httpx.AsyncClient) -> None:
    s = await make_ballot()
    await make_codes(s.ballot_id, 1)
    statuses = [(await post_form(client, "/vote", {"code": "abcde fgh23"})).status_code for _ in range(6)]
    assert statuses == [400] * 5 + [429]
    # The same code however it is typed; another code is not affected.
    assert (await post_form(client, "/vote", {"code": "ABCDE-FGH23"})).status_code == 429
    assert (await post_form(client, "/vote", {"code": "ABCDE-FGH24"})).status_code == 400


async def test_council_sets_up_ballot_codes_and_paper(client: httpx.AsyncClient,
                                                      other_client: httpx.AsyncClient) -> None:
    s = await make_ballot()
    council = await make_account("council", neighborhood_id=s.hood)
    await sign_in(client, council.email)
    form = await client.get(f"/council/ballots/new?cycle_id={s.cycle_id}&fund={s.hood}")
    assert form.status_code == 200 and f'value="{s.proposals[0]}"' in form.text
    opens = (NOW + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    closes = (NOW + dt.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    data = {"cycle_id": str(s.cycle_id), "fund": str(s.hood), "title": "Riverside 2027", "budget": "90000",
            "candidates": [str(p) for p in s.proposals[:3]], "max_ranks": "5", "min_ranks": "1",
            "opens_at": opens, "closes_at": closes, "rule": "greedy", "explanation": "",
            "decided_after": str(s.ballot_id)}  # the same projects as the first ballot: decided after it
    bad = await post_form(client, "/council/ballots/new", data)
    assert bad.status_code == 400 and "cannot rank more projects" in bad.text and 'value="Riverside 2027"' in bad.text
    created = await post_form(client, "/council/ballots/new", {**data, "max_ranks": "3"})
    assert created.status_code == 303
    new_id = int(created.headers["location"].rsplit("/", 1)[1])
    edited = await post_form(client, f"/council/ballots/{new_id}/edit", {**data, "max_ranks": "2", "title": "R27"})
    assert edited.status_code == 303 and (await service.get_ballot(new_id)).title == "R27"  # type: ignore[union-attr]
    # The open ballot cannot be edited, only extended.
    locked = await post_form(client, f"/council/ballots/{s.ballot_id}/edit",
                             {**data, "max_ranks": "3"})
    assert locked.status_code == 409
    later = (NOW + dt.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    assert (await post_form(client, f"/council/ballots/{s.ballot_id}/extend", {"closes_at": later})).status_code == 303
    manage = await client.get(f"/council/ballots/{s.ballot_id}")
    assert "Closing time" in manage.text and council.display_name in manage.text
    # Before voting opens, codes are issued at once: a printable sheet or a CSV file.
    sheet = await post_form(client, f"/council/ballots/{new_id}/codes", {"count": "3", "format": "sheet",
                                                                         "label": "Library"})
    assert sheet.status_code == 200 and len(re.findall(r"<code>[A-Z0-9]{5}-[A-Z0-9]{5}</code>", sheet.text)) == 3
    csv = await post_form(client, f"/council/ballots/{new_id}/codes", {"count": "2", "format": "csv"})
    assert csv.headers["content-type"] == "text/csv; charset=utf-8" and len(csv.text.strip().splitlines()) == 3
    # Once voting is open, codes are only asked for: a second council member confirms them.
    asked = await post_form(client, f"/council/ballots/{s.ballot_id}/codes", {"count": "3", "label": "Library"})
    assert asked.status_code == 303 and await AccessCode.count().where(AccessCode.ballot == s.ballot_id) == 0
    ranking = {"sheet_ref": "P-1", "rank_1": str(s.proposals[0]), "rank_2": str(s.proposals[1])}
    assert (await post_form(client, f"/council/ballots/{s.ballot_id}/paper", ranking)).status_code == 303
    same = await post_form(client, f"/council/ballots/{s.ballot_id}/paper", ranking)
    assert same.status_code == 400 and "another staff member" in same.text
    assert await service.counted_ballots(s.ballot_id) == []
    await signed_in_as(other_client, "council", neighborhood_id=s.hood)
    manage = await other_client.get(f"/council/ballots/{s.ballot_id}")
    confirm = re.search(r'action="(/council/ballots/\d+/batches/\d+/confirm)"', manage.text)
    assert confirm is not None
    sheet = await post_form(other_client, confirm.group(1))
    assert sheet.status_code == 200 and len(re.findall(r"<code>[A-Z0-9]{5}-[A-Z0-9]{5}</code>", sheet.text)) == 3
    public = text_of((await client.get(f"/ballots/{s.ballot_id}")).text)
    assert "3 codes issued in batch 1, “Library”, confirmed by a second council member." in public
    # Sheet references are compared normalised: "p 1" is sheet P-1, already entered.
    assert (await post_form(other_client, f"/council/ballots/{s.ballot_id}/paper",
                            {**ranking, "sheet_ref": "p 1"})).status_code == 303
    assert await service.counted_ballots(s.ballot_id) == [([s.proposals[0], s.proposals[1]], 1)]


async def test_residents_cannot_reach_council_pages(client: httpx.AsyncClient) -> None:
    s = await make_ballot()
    await signed_in_as(client, neighborhood_id=s.hood)
    assert (await client.get("/council/ballots/")).status_code == 403
    assert (await post_form(client, f"/council/ballots/{s.ballot_id}/codes", {"count": "3"})).status_code == 403
    assert (await post_form(client, f"/council/ballots/{s.ballot_id}/paper", {"sheet_ref": "x"})).status_code == 403


async def test_closed_ballot_pages_speak_of_a_closed_vote(client: httpx.AsyncClient) -> None:
    """Issue 20, item 20: a closed ballot no longer says "Turnout so far". Issue 15: sheets from the booths
    can still be entered until the result is published, and the page says so."""
    closed = await make_ballot("Old Town", opens=NOW - dt.timedelta(days=5), closes=NOW - dt.timedelta(days=1))
    await signed_in_as(client, "council")
    manage = text_of((await client.get(f"/council/ballots/{closed.ballot_id}")).text)
    assert "Enter paper ballots" in manage and "can still be entered until the result is published" in manage
    assert "Turnout so far" not in manage and "Turnout" in manage
    public = text_of((await client.get(f"/ballots/{closed.ballot_id}")).text)
    assert "Turnout so far" not in public and "so far" not in public
