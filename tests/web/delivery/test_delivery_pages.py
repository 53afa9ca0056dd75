"""Delivery pages over HTTP: who may report, forms that keep input, follow, photos, feed, XSS."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

import httpx
from factories.delivery import PNG, make_item, same_picture
from support import post_form, signed_in_as, text_of

from delivery import service
from delivery.tables import DeliveryUpdate
from server import clock
from server.notifications.tables import Notification

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


async def test_public_pages_render(client: httpx.AsyncClient) -> None:
    item = await make_item("River lights")
    four_days_ago = clock.today() - dt.timedelta(4)
    await service.add_milestone(item, actor_role="council", name="Survey", planned_date=four_days_ago)
    listing = await client.get("/delivery/")
    assert listing.status_code == 200 and "River lights" in listing.text
    assert "1 milestone overdue" in text_of(listing.text)
    page = await client.get(f"/delivery/{item}")
    assert page.status_code == 200
    assert '<progress id="progress-' in page.text and 'role="img"' in page.text
    assert "Overdue by 4 days" in text_of(page.text)
    assert (await client.get("/delivery/999999")).status_code == 404
    assert (await client.get("/delivery?order=overdue&status=bogus&neighborhood=x")).status_code == 200
    filtered = await client.get("/delivery/?status=completed")
    assert "River lights" not in filtered.text


async def test_residents_cannot_report(client: httpx.AsyncClient) -> None:
    item = await make_item()
    await signed_in_as(client, "resident")
    assert (await client.get(f"/council/delivery/{item}")).status_code == 403
    response = await post_form(client, f"/council/delivery/{item}/progress",
                               {"status": "in_progress", "percent_complete": "10", "spent": "0", "body": "Hi"})
    assert response.status_code == 403
    response = await post_form(client, f"/council/delivery/{item}/milestones",
                               {"name": "Survey", "planned_date": "2026-01-01"})
    assert response.status_code == 403
    assert await DeliveryUpdate.count() == 0


async def test_status_change_without_update_keeps_input(client: httpx.AsyncClient) -> None:
    item = await make_item()
    await signed_in_as(client, "council")
    response = await post_form(client, f"/council/delivery/{item}/progress",
                               {"status": "stalled", "percent_complete": "37", "spent": "4321", "body": ""})
    assert response.status_code == 400
    assert "needs an update explaining it" in response.text
    assert 'value="37"' in response.text and 'value="4321"' in response.text
    assert '<option value="stalled" selected>' in response.text
    assert (await service.get_summary(item)).status == "planned"
    response = await post_form(client, f"/council/delivery/{item}/progress",
                               {"status": "in_progress", "percent_complete": "37", "spent": "4321",
                                "body": "Work has begun."})
    assert response.status_code == 303
    assert (await service.get_summary(item)).status == "in_progress"
    await post_form(client, f"/council/delivery/{item}/progress",
                    {"status": "stalled", "percent_complete": "37", "spent": "4321",
                     "body": "The supplier closed; we are looking for another."})
    page = text_of((await client.get(f"/delivery/{item}")).text)
    assert "Why this project is stalled The supplier closed" in page


async def test_photo_validation_over_http(client: httpx.AsyncClient) -> None:
    item = await make_item()
    await signed_in_as(client, "council")
    fields = {"status": "planned", "percent_complete": "0", "spent": "0", "body": "Site visit."}
    bad_type = await post_form(client, f"/council/delivery/{item}/progress", {**fields, "photo_alt": "A site"},
                               files={"photo": ("site.png", b"<svg onload=alert(1)/>", "image/png")})
    assert bad_type.status_code == 400 and "JPEG, PNG or WebP" in bad_type.text
    assert "Site visit." in bad_type.text
    too_big = await post_form(client, f"/council/delivery/{item}/progress", {**fields, "photo_alt": "A site"},
                              files={"photo": ("site.png", PNG + b"\0" * (5 * 1024 * 1024), "image/png")})
    assert too_big.status_code == 400 and "too large" in too_big.text
    no_alt = await post_form(client, f"/council/delivery/{item}/progress", {**fields, "photo_alt": ""},
                             files={"photo": ("site.png", PNG, "image/png")})
    assert no_alt.status_code == 400 and "describe the photo" in no_alt.text
    assert await DeliveryUpdate.count() == 0
    ok = await post_form(client, f"/council/delivery/{item}/progress", {**fields, "photo_alt": "The empty lot"},
                         files={"photo": ("whatever.gif", PNG, "application/octet-stream")})
    assert ok.status_code == 303
    name = (await DeliveryUpdate.select(DeliveryUpdate.photo_name).first())["photo_name"]
    page = await client.get(f"/delivery/{item}")
    assert f'src="/delivery/photos/{name}" alt="The empty lot"' in page.text
    served = await client.get(f"/delivery/photos/{name}")
    assert served.status_code == 200 and served.headers["content-type"] == "image/png"
    assert same_picture(served.content, PNG) and b"51.5074" not in served.content
    assert (await client.get("/delivery/photos/..%2Fsecret_key")).status_code == 404


async def test_follow_without_js_and_get_notified(client: httpx.AsyncClient, other_client: httpx.AsyncClient) -> None:
    item = await make_item("Crossing")
    resident = await signed_in_as(client, "resident")
    assert (await post_form(client, f"/delivery/{item}/follow", {"follow": "1"})).status_code == 303
    assert "stop following" in (await client.get(f"/delivery/{item}")).text
    await signed_in_as(other_client, "council")
    await post_form(other_client, f"/council/delivery/{item}/progress",
                    {"status": "in_progress", "percent_complete": "5", "spent": "0", "body": "Started."})
    note = await Notification.select().where(Notification.recipient == resident.id).first()
    assert note and note["kind"] == "delivery_status"
    listing = await client.get("/notifications")
    assert "changed the delivery status of “Crossing”" in listing.text
    await post_form(client, f"/delivery/{item}/follow", {"follow": "0"})
    assert "Follow this project" in (await client.get(f"/delivery/{item}")).text


async def test_signed_out_cannot_follow(client: httpx.AsyncClient) -> None:
    item = await make_item()
    response = await post_form(client, f"/delivery/{item}/follow", {"follow": "1"})
    assert response.status_code in (302, 303, 401)


async def test_xss_in_update_and_milestone_renders_inert(client: httpx.AsyncClient) -> None:
    item = await make_item(XSS[:100])
    await signed_in_as(client, "council")
    await post_form(client, f"/council/delivery/{item}/milestones", {"name": XSS, "planned_date": "2020-01-01"})
    await post_form(client, f"/council/delivery/{item}/progress",
                    {"status": "in_progress", "percent_complete": "5", "spent": "0", "body": XSS})
    for url in (f"/delivery/{item}", f"/council/delivery/{item}", "/delivery/", "/council/delivery/"):
        html = (await client.get(url)).text
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
        assert "&lt;script&gt;alert" in html, url  # shown as text, not dropped
    feed = await client.get("/feeds/delivery.atom")
    assert b"<script>" not in feed.content


async def test_atom_feed_parses_and_lists_updates(client: httpx.AsyncClient) -> None:
    item = await make_item("Bike lane")
    await signed_in_as(client, "council")
    await post_form(client, f"/council/delivery/{item}/progress",
                    {"status": "in_progress", "percent_complete": "5", "spent": "0",
                     "body": "**Posts** ordered from [the depot](https://example.org)."})
    response = await client.get("/feeds/delivery.atom")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
    ns = "{http://www.w3.org/2005/Atom}"
    root = ET.fromstring(response.content)
    assert root.findtext(f"{ns}id") and root.findtext(f"{ns}updated")
    entries = root.findall(f"{ns}entry")
    assert len(entries) == 1
    assert "Bike lane" in entries[0].findtext(f"{ns}title")
    assert f"/delivery/{item}#update-" in entries[0].find(f"{ns}link").get("href")
    assert entries[0].findtext(f"{ns}summary") == "Posts ordered from the depot."  # no raw Markdown


async def test_home_section_and_header_link(client: httpx.AsyncClient) -> None:
    from support import make_neighborhood

    hood = await make_neighborhood("Riverside")
    await make_item("One", neighborhood_id=hood)
    stalled = await make_item("Two", neighborhood_id=hood)
    from delivery.tables import DeliveryItem

    await DeliveryItem.update({DeliveryItem.status: "stalled"}).where(DeliveryItem.id == stalled)
    home = await client.get(f"/?neighborhood={hood}")
    text = text_of(home.text)
    assert "Projects being delivered in Riverside" in text
    assert "1 project on track, 1 stalled" in text
    assert 'href="/delivery"' in home.text


async def test_photo_is_kept_when_the_description_is_missing(client: httpx.AsyncClient) -> None:
    """Issue 20, item 9: a form sent back for a missing description keeps the chosen photo (the
    browser cannot refill the file input), and sending it again publishes that photo."""
    import re

    item = await make_item()
    await signed_in_as(client, "council")
    fields = {"status": "planned", "percent_complete": "0", "spent": "0", "body": "Site visit."}
    no_alt = await post_form(client, f"/council/delivery/{item}/progress", {**fields, "photo_alt": ""},
                             files={"photo": ("lot.png", PNG, "image/png")})
    assert no_alt.status_code == 400 and "describe the photo" in no_alt.text
    assert "Your photo lot.png is kept" in text_of(no_alt.text)
    token = re.search(r'name="held_photo" value="([^"]+)"', no_alt.text).group(1)
    again = await post_form(client, f"/council/delivery/{item}/progress",
                            {**fields, "photo_alt": "The empty lot", "held_photo": token,
                             "held_photo_name": "lot.png"})
    assert again.status_code == 303
    name = (await DeliveryUpdate.select(DeliveryUpdate.photo_name).first())["photo_name"]
    assert name and same_picture((await client.get(f"/delivery/photos/{name}")).content, PNG)
    # The hold is used once: the same token cannot attach the photo to another update.
    replay = await post_form(client, f"/council/delivery/{item}/progress",
                             {**fields, "body": "Second visit.", "photo_alt": "x", "held_photo": token})
    assert replay.status_code == 303
    assert await DeliveryUpdate.count().where(DeliveryUpdate.photo_name.is_not_null()) == 1
