"""Changing one's own name and neighborhood on the account page, on both engines; a move is refused
while it would let someone vote on a second neighborhood's fund in the same budget cycle."""

from __future__ import annotations

import datetime as dt

import httpx
from factories.ballots import make_ballot
from piccolo.engine.base import Engine
from support import make_account, make_neighborhood, post_form, sign_in, text_of

from ballots import open_cache
from ballots import service as ballots_service
from ballots.tables import Ballot
from server.current_user import load_viewer


async def test_a_resident_renames_themselves_and_moves(client: httpx.AsyncClient, db: Engine) -> None:
    old_hood, new_hood = await make_neighborhood("Old Town"), await make_neighborhood("Riverside")
    viewer = await make_account(neighborhood_id=old_hood, name="Tom Becker")
    await sign_in(client, viewer.email)
    page = await client.get("/account")
    assert 'value="Tom Becker"' in page.text and f'<option value="{old_hood}" selected>' in page.text

    saved = await post_form(client, "/account/details", {"display_name": "Tom B.", "neighborhood_id": str(new_hood)})
    assert saved.status_code == 303
    after = await load_viewer(viewer.id)
    assert after is not None and after.display_name == "Tom B." and after.neighborhood_id == new_hood
    page = await client.get("/account")
    assert "Your details are saved." in page.text and f'<option value="{new_hood}" selected>' in page.text


async def test_a_form_with_an_error_comes_back_as_typed(client: httpx.AsyncClient, db: Engine) -> None:
    hood = await make_neighborhood("Old Town")
    viewer = await make_account(neighborhood_id=hood, name="Grace Liu")
    await sign_in(client, viewer.email)
    refused = await post_form(client, "/account/details", {"display_name": "G", "neighborhood_id": "999999"})
    assert refused.status_code == 400
    assert 'value="G"' in refused.text and "Please choose your neighborhood from the list." in refused.text
    assert (await load_viewer(viewer.id)).display_name == "Grace Liu"  # type: ignore[union-attr]


async def test_no_move_while_a_cycle_you_voted_in_is_still_voting(client: httpx.AsyncClient, db: Engine) -> None:
    s = await make_ballot()
    elsewhere = await make_neighborhood("Eastgate")
    voter = await make_account(neighborhood_id=s.hood, name="Amira Haddad")
    await ballots_service.cast_online(s.ballot_id, voter.id, [s.proposals[0]])
    await sign_in(client, voter.email)

    refused = await post_form(client, "/account/details",
                              {"display_name": "Amira H.", "neighborhood_id": str(elsewhere)})
    assert refused.status_code == 400
    assert "You have already voted on your neighborhood" in text_of(refused.text)
    assert 'value="Amira H."' in refused.text  # what was typed comes back
    # Issue 20, item 18: the list shows the neighborhood the person is still in, not the refused one.
    assert f'<option value="{s.hood}" selected' in refused.text
    assert f'<option value="{elsewhere}" selected' not in refused.text
    kept = await load_viewer(voter.id)
    assert kept is not None and kept.neighborhood_id == s.hood and kept.display_name == "Amira Haddad"
    # Renaming alone is fine.
    renamed = await post_form(client, "/account/details", {"display_name": "Amira H.", "neighborhood_id": str(s.hood)})
    assert renamed.status_code == 303

    await Ballot.update({Ballot.closes_at: dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)}).where(
        Ballot.cycle == s.cycle_id)

    open_cache.forget()  # the test moves time by writing the row; the app never can
    moved = await post_form(client, "/account/details", {"display_name": "Amira H.", "neighborhood_id": str(elsewhere)})
    assert moved.status_code == 303
    assert (await load_viewer(voter.id)).neighborhood_id == elsewhere  # type: ignore[union-attr]


async def test_a_resident_asks_for_notification_emails_and_stops_them(client: httpx.AsyncClient, db: Engine) -> None:
    hood = await make_neighborhood("Old Town")
    viewer = await make_account(neighborhood_id=hood, name="Jordan Kim")
    await sign_in(client, viewer.email)
    assert 'name="email_notifications" value="yes" aria-describedby="email_notifications-hint">' in (
        await client.get("/account")).text  # off until asked for
    on = await post_form(client, "/account/details", {
        "display_name": "Jordan Kim", "neighborhood_id": str(hood), "email_notifications": "yes"})
    assert on.status_code == 303 and (await load_viewer(viewer.id)).email_notifications  # type: ignore[union-attr]
    assert "checked" in (await client.get("/account")).text.split('id="email_notifications"')[1].split(">")[0]
    off = await post_form(client, "/account/details", {"display_name": "Jordan Kim", "neighborhood_id": str(hood)})
    assert off.status_code == 303 and not (await load_viewer(viewer.id)).email_notifications  # type: ignore[union-attr]


async def test_the_following_page_lists_proposals_and_projects(client: httpx.AsyncClient, db: Engine) -> None:
    """Issue 20, item 16: one page lists what the person follows, each linked."""
    from factories.delivery import make_item
    from factories.proposals import make_cycle, make_proposal
    from support import signed_in_as

    pid = await make_proposal(await make_account(), await make_cycle(), title="Lamps on Elm Street")
    item = await make_item("Crossing on Mill Street")
    await signed_in_as(client)
    empty = text_of((await client.get("/account/following")).text)
    assert "You do not follow anything yet." in empty
    await post_form(client, f"/proposals/{pid}/follow")
    await post_form(client, f"/delivery/{item}/follow", {"follow": "1"})
    page = await client.get("/account/following")
    assert f'href="/proposals/{pid}">Lamps on Elm Street</a>' in page.text
    assert f'href="/delivery/{item}">' in page.text and "Crossing on Mill Street" in page.text
    assert 'href="/account/following"' in (await client.get("/account")).text
