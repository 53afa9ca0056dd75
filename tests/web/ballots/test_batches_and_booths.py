"""Issue 15 through the whole app: the public record of codes (page and API), a partner's batches and
printable sheet, voiding, the booth check-in and the refused online vote after it."""

from __future__ import annotations

import html
import re

import httpx
from factories.ballots import make_ballot, make_codes
from support import make_account, post_form, sign_in, signed_in_as, text_of

from ballots import batch_service


async def test_codes_issued_after_opening_and_voids_are_public_on_the_page_and_in_the_api(
        client: httpx.AsyncClient) -> None:
    s = await make_ballot()
    partner = await make_account("partner", name="Eastgate Mosque")
    await make_codes(s.ballot_id, 4, "Friday market", partner_id=partner.id)
    [batch] = await batch_service.batches_of(s.ballot_id)
    await batch_service.void_batch(batch.id, s.council_id, "Sheet <b>lost</b>")
    page = await client.get(f"/ballots/{s.ballot_id}")
    text = text_of(page.text)
    assert "4 codes issued in batch 1, “Friday market”, confirmed by a second council member." in text
    assert "Handed out by Eastgate Mosque." in text
    assert "Voided: batch 1, “Friday market” (4 codes); its unused codes no longer work. Reason: Sheet <b>lost</b>" \
        in html.unescape(text)
    assert "<b>lost</b>" not in page.text  # escaped
    api = (await client.get(f"/api/v1/ballots/{s.ballot_id}")).json()
    assert [(e["kind"], e["quantity"], e["batch_name"], e["partner"], e["reason"])
            for e in api["access_code_events"]] == [
        ("issued_after_opening", 4, "Friday market", "Eastgate Mosque", ""),
        ("voided", 4, "Friday market", "Eastgate Mosque", "Sheet <b>lost</b>")]
    listed = (await client.get("/api/v1/ballots")).json()["items"]
    assert [len(b["access_code_events"]) for b in listed] == [2]


async def test_a_partner_sees_and_prints_only_its_own_batches(client: httpx.AsyncClient) -> None:
    s = await make_ballot()
    partner = await make_account("partner", name="Northside School")
    other = await make_account("partner")
    mine = await make_codes(s.ballot_id, 3, "Year 10", partner_id=partner.id)
    await make_codes(s.ballot_id, 2, "Not theirs", partner_id=other.id)
    await sign_in(client, partner.email)
    listing = text_of((await client.get("/partner/batches")).text)
    assert "Year 10" in listing and "Not theirs" not in listing
    batches = await batch_service.partner_batches(partner.id)
    sheet = await client.get(f"/batches/{batches[0].id}/print")
    assert sheet.status_code == 200 and sheet.headers["cache-control"] == "no-store"
    assert sorted(re.findall(r"<code>([A-Z0-9-]{11})</code>", sheet.text)) == sorted(mine)
    theirs = (await batch_service.partner_batches(other.id))[0]
    assert (await client.get(f"/batches/{theirs.id}/print")).status_code == 404
    # A partner never reaches council's pages, where turnout and batches of everyone are.
    assert (await client.get(f"/council/ballots/{s.ballot_id}")).status_code == 403


async def test_council_voids_a_batch_with_a_public_reason(client: httpx.AsyncClient) -> None:
    s = await make_ballot()
    await make_codes(s.ballot_id, 2, "Stall")
    [batch] = await batch_service.batches_of(s.ballot_id)
    await signed_in_as(client, "council")
    form = await client.get(f"/council/ballots/{s.ballot_id}/batches/{batch.id}/void")
    assert form.status_code == 200 and "unused codes stop working" in form.text
    empty = await post_form(client, f"/council/ballots/{s.ballot_id}/batches/{batch.id}/void", {"reason": ""})
    assert empty.status_code == 400 and "This field is required." in empty.text
    done = await post_form(client, f"/council/ballots/{s.ballot_id}/batches/{batch.id}/void",
                           {"reason": "Left on the stall"})
    assert done.status_code == 303
    assert (await batch_service.batches_of(s.ballot_id))[0].status == "voided"


async def test_an_age_window_outside_the_ballots_comes_back_with_a_clear_message(client: httpx.AsyncClient) -> None:
    s = await make_ballot("Youth", city_wide=True, age_min=12, age_max=17)
    await signed_in_as(client, "council")
    bad = await post_form(client, f"/council/ballots/{s.ballot_id}/codes",
                          {"count": "5", "label": "Adults' evening", "age_min": "18", "age_max": ""})
    assert bad.status_code == 400
    assert "must lie within the ballot's (ages 12 to 17)" in html.unescape(text_of(bad.text))
    assert 'value="Adults&#39; evening"' in bad.text and 'value="18"' in bad.text


async def test_a_booth_check_in_then_a_refused_online_vote(client: httpx.AsyncClient,
                                                           other_client: httpx.AsyncClient) -> None:
    s = await make_ballot()
    partner = await make_account("partner", name="Riverside Church")
    voter = await signed_in_as(other_client, neighborhood_id=s.hood)
    await sign_in(client, partner.email)
    booth = await client.get("/booth")
    assert booth.status_code == 200 and f'href="/booth/{s.ballot_id}"' in booth.text
    unknown = await post_form(client, f"/booth/{s.ballot_id}", {"how": "account", "email": "nobody@example.org"})
    assert unknown.status_code == 400 and "No account has this email address" in unknown.text
    assert 'value="nobody@example.org"' in unknown.text
    checked = await post_form(client, f"/booth/{s.ballot_id}", {"how": "account", "email": voter.email})
    assert checked.status_code == 303
    again = await post_form(client, f"/booth/{s.ballot_id}", {"how": "account", "email": voter.email})
    assert again.status_code == 400 and "already checked in at a booth" in again.text
    page = text_of((await other_client.get(f"/ballots/{s.ballot_id}")).text)
    assert "checked in at a polling booth" in page and "Vote now" not in page
    vote = await other_client.get(f"/ballots/{s.ballot_id}/vote")
    assert vote.status_code == 409 and "checked in at a polling booth" in vote.text
    cast = await post_form(other_client, f"/ballots/{s.ballot_id}/cast", {"rank": [s.proposals[0]]})
    assert cast.status_code == 409 and "checked in at a polling booth" in cast.text


async def test_someone_who_voted_online_is_refused_a_sheet_with_a_clear_message(
        client: httpx.AsyncClient, other_client: httpx.AsyncClient) -> None:
    s = await make_ballot()
    voter = await signed_in_as(other_client, neighborhood_id=s.hood)
    cast = await post_form(other_client, f"/ballots/{s.ballot_id}/cast", {"rank": [s.proposals[0]]})
    assert cast.status_code == 200
    await signed_in_as(client, "council")
    refused = await post_form(client, f"/booth/{s.ballot_id}", {"how": "account", "email": voter.email})
    assert refused.status_code == 400 and "has already voted online on this ballot" in refused.text


async def test_a_youth_code_is_checked_in_at_a_booth(client: httpx.AsyncClient) -> None:
    s = await make_ballot("Youth", city_wide=True, age_min=12, age_max=17)
    [code] = await make_codes(s.ballot_id, 1, "Youth centre", age_min=12, age_max=17)
    await signed_in_as(client, "council")
    done = await post_form(client, f"/booth/{s.ballot_id}", {"how": "code", "code": code}, follow_redirects=True)
    assert "Tick the age group 12-17 on it." in text_of(done.text)
