"""Verification pages over HTTP, on both engines: council imports the roll (errors by row and column,
the file comes back untouched), a resident matches themselves on the account page, a partner
verifies someone at the desk, council manages partners and reads the log."""

from __future__ import annotations

import httpx
from support import csrf_token, make_account, make_neighborhood, post_form, sign_in, signed_in_as, text_of

from server.current_user import load_viewer
from server.secret import secret_key
from server.verification import roll, service
from server.verification.tables import RollEntry

ROLL = "identifier,birth_year,neighborhood\nRS-1001,1988,Riverside\nRS-1002,1961,Riverside\n"


async def upload(client: httpx.AsyncClient, text: str) -> httpx.Response:
    return await client.post("/council/verification/roll", data={"_csrf_token": await csrf_token(client)},
                             files={"roll": ("roll.csv", text.encode(), "text/csv")})


async def test_council_imports_the_roll_and_sees_every_problem(client: httpx.AsyncClient) -> None:
    await make_neighborhood("Riverside")
    await signed_in_as(client, "council")
    bad = await upload(client, "identifier,birth_year,neighborhood\nRS-1,19x8,Riverside\nRS-2,1990,Nowhere\n")
    assert bad.status_code == 400
    text = text_of(bad.text)
    assert "Nothing was imported" in text
    assert "Row 2, column birth_year" in text and "Row 3, column neighborhood: No neighborhood has this name." in text
    assert await RollEntry.count() == 0
    good = await upload(client, ROLL)
    assert good.status_code == 303
    page = await client.get("/council/verification")
    assert "The roll is imported: 2 added, 0 already on it." in text_of(page.text)
    assert "2 people are on the roll" in text_of(page.text)
    assert "imported the roll" in text_of(page.text)


async def test_a_resident_matches_on_the_account_page(client: httpx.AsyncClient) -> None:
    hood = await make_neighborhood("Riverside")
    council = await make_account("council")
    rows, _ = roll.parse_roll(ROLL, await service.neighborhood_names(), 2026, roll.roll_key(secret_key()))
    await service.import_roll(rows, council.id)
    viewer = await signed_in_as(client, neighborhood_id=await make_neighborhood("Old Town"))
    page = await client.get("/account")
    assert "Match me on the roll" in page.text and "You are not verified yet." in text_of(page.text)
    wrong = await post_form(client, "/account/roll-match", {"identifier": "RS-1001", "birth_year": "1990"})
    assert wrong.status_code == 400
    assert "do not match an entry on the roll" in text_of(wrong.text)
    assert 'value="RS-1001"' in wrong.text  # what was typed comes back
    done = await post_form(client, "/account/roll-match", {"identifier": "rs 1001", "birth_year": "1988"})
    assert done.status_code == 303
    after = await load_viewer(viewer.id)
    assert after is not None and after.neighborhood_id == hood and after.verified_via == "roll"
    page = await client.get("/account")
    assert "Verified on the eligibility roll" in text_of(page.text)
    moved = await post_form(client, "/account/details", {"display_name": viewer.display_name,
                                                         "neighborhood_id": str(await make_neighborhood("Old Town"))})
    assert moved.status_code == 400
    assert "changes only through a new verification" in text_of(moved.text)


async def test_a_partner_verifies_at_the_desk(client: httpx.AsyncClient) -> None:
    hood = await make_neighborhood("Eastgate")
    council = await make_account("council")
    partner = await make_account()
    await service.add_partner(partner.email, "Eastgate Youth Center", by=council.id)
    resident = await make_account(name="Jordan Kim", birth_year=2000)
    await sign_in(client, partner.email)
    found = await client.get("/verify", params={"email": resident.email})
    assert found.status_code == 200 and "Verify Jordan Kim" in text_of(found.text)
    missing = await post_form(client, "/verify", {"email": resident.email, "neighborhood_id": str(hood),
                                                  "birth_year": "2011"})
    assert missing.status_code == 400 and "Please confirm that you checked" in text_of(missing.text)
    assert 'value="2011"' in missing.text
    done = await post_form(client, "/verify", {"email": resident.email, "neighborhood_id": str(hood),
                                               "birth_year": "2011", "seen": "yes"})
    assert done.status_code == 303
    after = await load_viewer(resident.id)
    assert after is not None and (after.birth_year, after.verified_via) == (2011, "in_person")
    nobody = await client.get("/verify", params={"email": "nobody@example.org"})
    assert "No resident's account has this e-mail address" in nobody.text.replace("&#39;", "'")


async def test_council_adds_and_removes_partners_with_counts(client: httpx.AsyncClient) -> None:
    await signed_in_as(client, "council")
    resident = await make_account()
    empty = await post_form(client, "/council/partners", {"email": "", "organisation": "Library"})
    assert empty.status_code == 400 and 'value="Library"' in empty.text
    added = await post_form(client, "/council/partners", {"email": resident.email, "organisation": "City Library"})
    assert added.status_code == 303
    page = text_of((await client.get("/council/verification")).text)
    assert "City Library" in page and "made " in page
    assert (await client.get("/verification")).text.count("City Library") == 1  # public: the organisation only
    assert resident.email not in (await client.get("/verification")).text
    removed = await post_form(client, f"/council/partners/{resident.id}/remove")
    assert removed.status_code == 303
    assert (await load_viewer(resident.id)).role == "resident"  # type: ignore[union-attr]
