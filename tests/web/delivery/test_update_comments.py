"""Residents comment on delivery updates with the shared thread."""

from __future__ import annotations

import httpx
from factories.proposals import make_cycle, make_proposals
from piccolo.engine.base import Engine
from support import make_account, post_form, sign_in, text_of

from delivery.service import create_delivery_items
from delivery.tables import DeliveryUpdate


async def test_resident_comments_on_a_delivery_update(client: httpx.AsyncClient, db: Engine) -> None:
    council = await make_account("council")
    pid = (await make_proposals(await make_cycle("delivery"), council.neighborhood_id, council.id, [10_000]))[0]
    item = (await create_delivery_items(None, [(pid, 10_000)]))[0]
    rows = await DeliveryUpdate.insert(DeliveryUpdate(item=item, author=council.id, body="Work starts Monday.")
                                       ).returning(DeliveryUpdate.id)
    update_id = rows[0]["id"]
    page = await client.get(f"/delivery/{item}")
    assert "0 comments" in text_of(page.text)
    resident = await make_account(neighborhood_id=council.neighborhood_id)
    await sign_in(client, resident.email)
    posted = await post_form(client, f"/threads/delivery_update/{update_id}/comments",
                             {"body": "Will the path stay open during the works?"})
    assert posted.status_code == 303 and posted.headers["location"].startswith(f"/delivery/{item}#comment-")
    page = await client.get(f"/delivery/{item}")
    assert "Will the path stay open during the works?" in page.text and "1 comment" in text_of(page.text)
