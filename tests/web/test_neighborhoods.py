from __future__ import annotations

import httpx
from support import make_neighborhood, post_form, signed_in_as

from server.neighborhoods.service import active_neighborhoods


async def test_council_creates_renames_and_retires(client: httpx.AsyncClient) -> None:
    await signed_in_as(client, "council")
    response = await post_form(client, "/council/neighborhoods/", {"name": "Northgate"})
    assert response.status_code == 303
    page = await client.get("/council/neighborhoods/")
    assert "Northgate" in page.text
    hood = next(h for h in await active_neighborhoods() if h.name == "Northgate")
    await post_form(client, f"/council/neighborhoods/{hood.id}/rename", {"name": "North Gate"})
    assert "North Gate" in [h.name for h in await active_neighborhoods()]
    await post_form(client, f"/council/neighborhoods/{hood.id}/retire", {"retire": "1"})
    assert hood.id not in [h.id for h in await active_neighborhoods()]
    signup = await client.get("/signup")
    assert ">North Gate</option>" not in signup.text
    await post_form(client, f"/council/neighborhoods/{hood.id}/retire", {"retire": "0"})
    assert hood.id in [h.id for h in await active_neighborhoods()]


async def test_duplicate_name_is_refused_and_kept(client: httpx.AsyncClient) -> None:
    await make_neighborhood("Old Town")
    await signed_in_as(client, "council")
    response = await post_form(client, "/council/neighborhoods/", {"name": "old town"})
    assert response.status_code == 400
    assert "already exists" in response.text
    assert 'value="old town"' in response.text


async def test_residents_and_moderators_cannot_manage(client: httpx.AsyncClient) -> None:
    hood = await make_neighborhood("Eastgate")
    for role in ("resident", "moderator"):
        client.cookies.clear()
        await signed_in_as(client, role)
        assert (await post_form(client, "/council/neighborhoods/", {"name": "X"})).status_code == 403
        assert (await post_form(client, f"/council/neighborhoods/{hood}/retire", {})).status_code == 403
