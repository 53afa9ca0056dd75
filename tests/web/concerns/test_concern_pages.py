"""Concern pages over HTTP: reporting anonymously and signed in, the follow-up code, staff handling a
case, the reporter's dispute, who may open what, and bad input coming back with what was typed."""

from __future__ import annotations

import re

import httpx
from factories.concerns import make_category, make_concern, resolved
from support import make_account, make_neighborhood, post_form, sign_in, signed_in_as, text_of

from concerns import service
from concerns.tables import Concern
from server.stores.tables import RateCounter, StoreEntry

CODE_RE = re.compile(r"<code>([A-Z0-9-]{19})</code>")


async def _anonymous_report(client: httpx.AsyncClient, category: int, hood: int, **extra: str) -> httpx.Response:
    return await post_form(client, "/concerns/new/anonymous", {
        "category_id": str(category), "neighborhood_id": str(hood), "description": "The lamp by the school is out.",
        "address": "12 Elm Street", "language": "ar", "description_public": "on", **extra})


async def test_reporting_takes_two_steps_and_names_who_reads_it(client: httpx.AsyncClient, db: object) -> None:
    lights = await make_category(name="Street lights")
    board = await make_category(oversight=True, name="Officer conduct")
    page = await client.get("/concerns/new")
    assert page.status_code == 200 and "Street lights" in page.text and "Officer conduct" in page.text
    details = await client.get(f"/concerns/new?category={lights}")
    assert details.status_code == 200 and 'action="/concerns/new/anonymous"' in details.text
    assert "Public Works" in text_of(details.text)
    oversight = await client.get(f"/concerns/new?category={board}")
    assert "Only the members of the independent oversight body" in text_of(oversight.text)


async def test_an_anonymous_resident_gets_a_code_once_and_follows_the_case_with_it(
        client: httpx.AsyncClient, other_client: httpx.AsyncClient, db: object) -> None:
    lights = await make_category()
    hood = await make_neighborhood("Riverside")
    response = await _anonymous_report(client, lights, hood)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    code = CODE_RE.search(response.text).group(1)
    row = await Concern.select().where(Concern.followup_hash.is_not_null()).first()
    assert row["account"] is None and row["language"] == "ar" and row["channel"] == "web"
    assert "townsquare_session" not in response.headers.get("set-cookie", "")
    # The code works from any browser, typed in any case.
    check = await post_form(other_client, "/concerns/followup", {"code": code.lower()})
    assert check.status_code == 200 and "The lamp by the school is out." in check.text
    wrong = await post_form(other_client, "/concerns/followup", {"code": "ABCD-EFGH-JKMN-PQRS"})
    assert wrong.status_code == 400 and "No concern has this follow-up code" in wrong.text
    # Staff resolve it; the reporter disputes it with the code.
    council = await make_account("council")
    await service.change_status(row["id"], council, resolved())
    page = await post_form(other_client, "/concerns/followup", {"code": code})
    assert "Is it really resolved?" in text_of(page.text)
    short = await post_form(other_client, "/concerns/followup", {"code": code, "action": "dispute", "reason": "No"})
    assert short.status_code == 400 and "Please write at least 10 characters." in short.text
    assert ">No</textarea>" in short.text  # what was typed comes back
    done = await post_form(other_client, "/concerns/followup", {"code": code, "action": "dispute",
                                                                 "reason": "Still dark every night."})
    assert done.status_code == 200 and "open again" in done.text
    assert (await Concern.select(Concern.status).where(Concern.id == row["id"]).first())["status"] == "in_progress"


async def test_reporting_anonymously_while_signed_in_touches_neither_session_nor_counters_per_address(
        client: httpx.AsyncClient, db: object) -> None:
    lights = await make_category()
    hood = await make_neighborhood("Riverside")
    resident = await signed_in_as(client, neighborhood_id=hood)
    await StoreEntry.update({StoreEntry.value: StoreEntry.value}, force=True)
    before = await StoreEntry.select().order_by(StoreEntry.id)
    response = await _anonymous_report(client, lights, hood)
    assert response.status_code == 200 and CODE_RE.search(response.text)
    assert await StoreEntry.select().order_by(StoreEntry.id) == before  # the session was not written
    assert "set-cookie" not in response.headers or "townsquare_session" not in response.headers["set-cookie"]
    row = await Concern.select().first()
    assert row["account"] is None and row["entered_by"] is None
    buckets = [r["bucket"] for r in await RateCounter.select(RateCounter.bucket)]
    assert all("203.0.113.7" not in b and str(resident.id) not in b for b in buckets)
    # Still signed in for everything else.
    assert (await client.get("/concerns/mine")).status_code == 200


async def test_a_signed_in_resident_reports_with_the_name_hidden_and_disputes_on_the_page(
        client: httpx.AsyncClient, other_client: httpx.AsyncClient, db: object) -> None:
    lights = await make_category()
    hood = await make_neighborhood("Riverside")
    resident = await signed_in_as(client, neighborhood_id=hood, name="Amira Haddad")
    response = await post_form(client, "/concerns/new", {
        "category_id": str(lights), "neighborhood_id": str(hood), "description": "The lamp by the school is out.",
        "identity": "private", "language": "en"})
    assert response.status_code == 303
    case_id = int(response.headers["location"].split("/")[2].split("?")[0])
    own = await client.get(f"/concerns/{case_id}")
    assert "Amira Haddad" in own.text
    public = await other_client.get(f"/concerns/{case_id}")
    assert public.status_code == 200 and "Amira Haddad" not in public.text
    await service.change_status(case_id, await make_account("council"), resolved())
    disputed = await post_form(client, f"/concerns/{case_id}/dispute", {"reason": "Still dark at night."})
    assert disputed.status_code == 303
    stranger = await make_account()
    await sign_in(other_client, stranger.email)
    refused = await post_form(other_client, f"/concerns/{case_id}/dispute", {"reason": "Not my concern at all."})
    assert refused.status_code == 403
    assert resident.id


async def test_bad_input_comes_back_with_what_was_typed(client: httpx.AsyncClient, db: object) -> None:
    lights = await make_category()
    hood = await make_neighborhood("Riverside")
    response = await post_form(client, "/concerns/new/anonymous", {
        "category_id": str(lights), "neighborhood_id": str(hood), "description": "short",
        "address": "Canal Road <b>9</b>", "lat": "north", "long": "", "language": "es"})
    assert response.status_code == 400
    assert "Please write at least 10 characters." in response.text
    assert "Please enter a number like 40.4168." in response.text
    assert 'value="Canal Road &lt;b&gt;9&lt;/b&gt;"' in response.text and ">short</textarea>" in response.text
    assert await Concern.count() == 0


async def test_staff_handle_a_case_and_the_public_sees_only_the_public_part(
        client: httpx.AsyncClient, other_client: httpx.AsyncClient, db: object) -> None:
    submitted = await make_concern(description="The lamp by the school is out.", public=True)
    await signed_in_as(client, "council")
    page = await client.get(f"/concerns/cases/{submitted.id}")
    assert page.status_code == 200 and "The lamp by the school is out." in page.text and "12 Elm Street" in page.text
    refused = await post_form(client, f"/concerns/cases/{submitted.id}/status", {"status": "resolved", "note": ""})
    assert refused.status_code == 400 and "Please choose how it was resolved." in refused.text
    for data in ({"status": "acknowledged", "note": "We read it and will visit."},
                 {"status": "resolved", "note": "The lamp was replaced.", "method": "repair",
                  "without_escalation": "yes"}):
        assert (await post_form(client, f"/concerns/cases/{submitted.id}/status", data)).status_code == 303
    assert (await post_form(client, f"/concerns/cases/{submitted.id}/note", {"body": "Contractor invoice 22"})
            ).status_code == 303
    public = await other_client.get(f"/concerns/{submitted.id}")
    text = text_of(public.text)
    assert "The lamp was replaced." in text and "Contractor invoice 22" not in text
    assert "The lamp by the school is out." not in text and "0-99 Elm Street" in text and "12 Elm Street" not in text
    assert (await post_form(client, f"/concerns/cases/{submitted.id}/publish", {"description": "on"})
            ).status_code == 303
    assert "The lamp by the school is out." in (await other_client.get(f"/concerns/{submitted.id}")).text
    listing = await other_client.get("/concerns")
    assert listing.status_code == 200 and f"/concerns/{submitted.id}" in listing.text


async def test_sensitive_and_oversight_cases_are_not_found_for_the_public(
        client: httpx.AsyncClient, db: object) -> None:
    sensitive = (await make_concern(await make_category(sensitive=True))).id
    board = (await make_concern(await make_category(oversight=True))).id
    for case in (sensitive, board):
        assert (await client.get(f"/concerns/{case}")).status_code == 404
    await signed_in_as(client, "council")
    assert (await client.get(f"/concerns/cases/{sensitive}")).status_code == 200
    counts_only = await client.get(f"/concerns/cases/{board}")
    assert counts_only.status_code == 200 and "The lamp on the corner is out." not in counts_only.text
    assert (await post_form(client, f"/concerns/cases/{board}/note", {"body": "hello"})).status_code == 403


async def test_staff_intake_and_partner_submissions_record_the_channel(client: httpx.AsyncClient, db: object) -> None:
    lights = await make_category()
    hood = await make_neighborhood("Riverside")
    partner = await signed_in_as(client, "partner")
    response = await post_form(client, "/concerns/intake", {
        "channel": "phone", "category_id": str(lights), "neighborhood_id": str(hood),
        "description": "Called in: the lamp is out.", "language": "es"})
    assert response.status_code == 200 and CODE_RE.search(response.text)
    row = await Concern.select().first()
    assert row["channel"] == "partner" and row["entered_by"] == partner.id and row["account"] is None


async def test_the_public_list_and_dashboard_show_figures(client: httpx.AsyncClient, db: object) -> None:
    await make_concern()
    listing = await client.get("/concerns")
    assert listing.status_code == 200 and "fewer than 5" in listing.text
    assert (await client.get("/dashboard")).status_code == 200


async def test_a_reporter_turns_a_concern_into_a_proposal_and_each_links_to_the_other(
        client: httpx.AsyncClient, db: object) -> None:
    from factories.proposals import make_cycle

    await make_cycle("ideas")
    hood = await make_neighborhood("Riverside")
    resident = await signed_in_as(client, neighborhood_id=hood)
    case = (await make_concern(account_id=resident.id, identity="named", neighborhood_id=hood,
                               description="The underpass is dark after six.")).id
    following = await client.get("/account/following")
    assert f"/concerns/{case}" in following.text
    response = await post_form(client, f"/concerns/{case}/proposal")
    assert response.status_code == 303 and response.headers["location"].endswith("/edit")
    proposal_id = int(response.headers["location"].split("/")[2])
    edit = await client.get(f"/proposals/{proposal_id}/edit")
    assert "The underpass is dark after six." in edit.text
    assert f"/proposals/{proposal_id}" in (await client.get(f"/concerns/{case}")).text
    assert f"/concerns/{case}" in (await client.get(f"/proposals/{proposal_id}")).text


async def test_the_home_page_offers_to_raise_a_concern_and_hides_small_counts(client: httpx.AsyncClient,
                                                                              db: object) -> None:
    hood = await make_neighborhood("Riverside")
    lights = await make_category()
    await make_concern(lights, neighborhood_id=hood)
    home = await client.get(f"/?neighborhood={hood}")
    assert home.status_code == 200 and 'href="/concerns/new"' in home.text
    assert "Fewer than 5 concerns are open here." in home.text
    for _ in range(5):
        await make_concern(lights, neighborhood_id=hood)
    assert "6 concerns are open here" in text_of((await client.get(f"/?neighborhood={hood}")).text)
