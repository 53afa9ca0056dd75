"""Meeting and board pages over HTTP, in a city on Chicago time: co-chairs run their own body's
meetings and nobody else's, forms come back with what was typed and the reason next to the field,
calendars and Open Civic Data come out of the app, and followers read the minutes' notice."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import httpx
import icalendar
import pytest
from factories.assemblies import held_meeting, make_body, make_commitment, make_meeting, meeting_input
from support import make_account, make_neighborhood, post_form, sign_in, signed_in_as, text_of

from assemblies import service
from server import clock


@pytest.fixture
def settings_env() -> dict[str, str]:
    return {"TOWNSQUARE_TIME_ZONE": "America/Chicago"}


@pytest.fixture(autouse=True)
def back_to_utc() -> Iterator[None]:
    yield
    clock.set_zone("UTC")


def meeting_form(title: str = "Board meeting", *, days: int = 10, **extra: str) -> dict[str, str]:
    start = clock.to_local(clock.now() + dt.timedelta(days=days)).replace(tzinfo=None, second=0, microsecond=0)
    return {"title": title, "kind": "board_meeting", "mode": "in_person", "address": "Riverside Library",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"), **extra}


async def test_a_co_chair_schedules_and_publishes_minutes_for_their_own_board(client: httpx.AsyncClient,
                                                                             other_client: httpx.AsyncClient) -> None:
    co_chair = await make_account("resident")
    board = await make_body("Riverside Safety Board", co_chair=co_chair)
    other_board = await make_body("Old Town Task Force")
    await sign_in(client, co_chair.email)
    page = await client.get(f"/boards/{board}")
    assert f'href="/meetings/new?board={board}"' in page.text
    assert (await client.get(f"/meetings/new?board={other_board}")).status_code == 403
    assert (await client.get("/meetings/new")).status_code == 403  # city-wide meetings are the council's
    created = await post_form(client, "/meetings/new", {**meeting_form(), "body_id": str(board)})
    assert created.status_code == 303
    meeting_id = int(created.headers["location"].split("/")[2])
    assert (await client.get(f"/meetings/{meeting_id}/manage")).status_code == 200
    refused = await post_form(client, "/meetings/new", {**meeting_form(), "body_id": str(other_board)})
    assert refused.status_code == 403

    follower = await make_account("resident")
    await sign_in(other_client, follower.email)
    assert (await post_form(other_client, f"/meetings/{meeting_id}/follow", {"follow": "1"})).status_code == 303
    assert (await other_client.get(f"/meetings/{meeting_id}/manage")).status_code == 403
    minutes = {"attendance": "21", "summary": "Twenty-one residents came.", "recommendations": "1. Fix the lamps."}
    assert (await post_form(other_client, f"/meetings/{meeting_id}/minutes", minutes)).status_code == 403

    # The meeting has started: its co-chair publishes the minutes.
    await service.update_meeting(meeting_id, co_chair, meeting_input(
        "Board meeting", starts=clock.now() - dt.timedelta(minutes=10)))
    assert (await post_form(client, f"/meetings/{meeting_id}/minutes", minutes)).status_code == 303
    page = await other_client.get(f"/meetings/{meeting_id}")
    assert "Twenty-one residents came." in page.text and "Fix the lamps." in page.text
    notices = text_of((await other_client.get("/notifications")).text)
    assert "Minutes of “Board meeting” were published" in notices


async def test_the_form_comes_back_with_what_was_typed_and_why(client: httpx.AsyncClient) -> None:
    await signed_in_as(client, "council")
    form = meeting_form("Spring assembly", mode="online", interpretation="Árabe y español")
    form["ends_at"] = form["starts_at"]
    response = await post_form(client, "/meetings/new", form)
    assert response.status_code == 400
    text = text_of(response.text)
    assert "The end must be after the start." in text
    assert "An online meeting needs a link to join." in text
    assert 'value="Spring assembly"' in response.text and 'value="Árabe y español"' in response.text
    assert 'id="ends_at-error"' in response.text and 'id="online_url-error"' in response.text
    assert f'value="{form["starts_at"]}"' in response.text
    # In the reader's language: Spanish, and Arabic with the typed value kept as typed.
    spanish = await post_form(client, "/meetings/new", form, headers={"Accept-Language": "es"})
    assert "El final debe ser posterior al inicio." in text_of(spanish.text)
    arabic = await post_form(client, "/meetings/new", form, headers={"Accept-Language": "ar"})
    assert "يجب أن تكون النهاية بعد البداية." in text_of(arabic.text) and 'value="Árabe y español"' in arabic.text


async def test_times_are_typed_and_shown_on_the_city_clock(client: httpx.AsyncClient) -> None:
    await signed_in_as(client, "council")
    year = clock.today().year + 1
    form = meeting_form("Winter assembly")
    form.update(starts_at=f"{year}-01-10T18:30", ends_at=f"{year}-01-10T20:30")
    response = await post_form(client, "/meetings/new", form)
    meeting_id = int(response.headers["location"].split("/")[2])
    view = await service.get_meeting(meeting_id)
    assert view is not None and view.starts_at == dt.datetime(year, 1, 11, 0, 30, tzinfo=dt.UTC)
    page = await client.get(f"/meetings/{meeting_id}")
    assert "6:30" in text_of(page.text) and "CST" in page.text
    feed = await client.get(f"/meetings/{meeting_id}/calendar.ics")
    assert feed.headers["content-type"].startswith("text/calendar")
    [event] = icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "America/Chicago"
    start = event.decoded("DTSTART")
    assert (start.hour, start.minute, start.utcoffset()) == (18, 30, dt.timedelta(hours=-6))
    ocd = json.loads((await client.get(f"/meetings/{meeting_id}/ocd.json")).content)
    assert ocd["start_time"] == f"{year}-01-10T18:30:00-06:00" and ocd["timezone"] == "America/Chicago"


async def test_neighborhood_pages_and_feeds(client: httpx.AsyncClient) -> None:
    riverside, hillcrest = await make_neighborhood("Riverside"), await make_neighborhood("Hillcrest")
    old_town = await make_neighborhood("Old Town")
    await make_meeting("Riverside assembly", neighborhood_id=riverside)
    await make_meeting("Hillcrest assembly", neighborhood_id=hillcrest)
    await make_meeting("City town hall")
    await held_meeting("Autumn assembly")
    # A meeting for two neighborhoods, scheduled with two checkboxes.
    await signed_in_as(client, "council")
    form = meeting_form("Joint listening session", kind="listening_session")
    response = await post_form(client, "/meetings/new", {**form, "neighborhood_ids": [str(hillcrest), str(old_town)]})
    assert response.status_code == 303
    joint = int(response.headers["location"].split("/")[2])
    page = await client.get(f"/meetings/{joint}")
    assert "Hillcrest, Old Town" in text_of(page.text)
    manage = await client.get(f"/meetings/{joint}/manage")
    assert f'value="{hillcrest}" checked' in manage.text and f'value="{old_town}" checked' in manage.text
    assert f'value="{riverside}" checked' not in manage.text
    bad = await post_form(client, "/meetings/new", {**form, "title": "", "neighborhood_ids": [str(old_town)]})
    assert bad.status_code == 400 and f'value="{old_town}" checked' in bad.text
    for hood, expected in ((hillcrest, True), (old_town, True), (riverside, False)):
        listed = await client.get(f"/meetings?neighborhood={hood}")
        assert ("Joint listening session" in listed.text) is expected, hood
    client.cookies.clear()
    upcoming = await client.get(f"/meetings?neighborhood={riverside}")
    assert "Riverside assembly" in upcoming.text and "City town hall" in upcoming.text
    assert "Hillcrest assembly" not in upcoming.text and "Autumn assembly" not in upcoming.text
    past = await client.get("/meetings?when=past")
    assert "Autumn assembly" in past.text and "Riverside assembly" not in past.text
    feed = await client.get(f"/meetings/calendar.ics?neighborhood={riverside}")
    titles = {str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(feed.content).walk("VEVENT")}
    assert titles == {"Riverside assembly", "City town hall", "Autumn assembly"}
    assert (await client.get("/meetings/calendar.ics?neighborhood=99999")).status_code == 404


async def test_a_cancelled_meeting_stays_in_calendars_as_cancelled(client: httpx.AsyncClient) -> None:
    staff = await signed_in_as(client, "council")
    meeting_id = await make_meeting("Listening session", by=staff)
    refused = await post_form(client, f"/meetings/{meeting_id}/cancel", {"reason": "Flood"})
    assert refused.status_code == 400
    assert "Please explain the reason in at least 20 characters." in text_of(refused.text)
    assert ">Flood</textarea>" in refused.text
    reason = "The hall flooded. A new date follows within two weeks."
    assert (await post_form(client, f"/meetings/{meeting_id}/cancel", {"reason": reason})).status_code == 303
    page = await client.get(f"/meetings/{meeting_id}")
    assert "This meeting is cancelled" in page.text and reason in page.text
    [event] = icalendar.Calendar.from_ical((await client.get("/meetings/calendar.ics")).content).walk("VEVENT")
    assert (str(event["STATUS"]), int(event["SEQUENCE"])) == ("CANCELLED", 1)


async def test_agenda_items_link_by_number_or_address(client: httpx.AsyncClient) -> None:
    staff = await signed_in_as(client, "council")
    meeting_id = await make_meeting(by=staff)
    commitment = await make_commitment("Fix the lamps")
    added = await post_form(client, f"/meetings/{meeting_id}/agenda", {
        "item_title": "Report back", "duration_minutes": "20", "link_kind": "commitment",
        "link_ref": f"https://town.example/commitments/{commitment}#event-1"})
    assert added.status_code == 303
    missing = await post_form(client, f"/meetings/{meeting_id}/agenda", {
        "item_title": "Ghost item", "link_kind": "commitment", "link_ref": "99999"})
    assert missing.status_code == 400
    assert "There is no public item with this number." in text_of(missing.text)
    assert 'value="Ghost item"' in missing.text and 'value="99999"' in missing.text
    page = await client.get(f"/meetings/{meeting_id}")
    assert f'href="/commitments/{commitment}"' in page.text and "Report back" in page.text


async def test_follow_with_htmx_swaps_the_box(client: httpx.AsyncClient) -> None:
    await signed_in_as(client, "resident")
    commitment = await make_commitment()
    response = await post_form(client, f"/commitments/{commitment}/follow", {"follow": "1"},
                               headers={"HX-Request": "true"})
    assert response.status_code == 200 and 'id="follow-box"' in response.text and "<html" not in response.text
    assert "Following: stop following" in response.text


async def test_council_edits_a_board_and_its_terms(client: httpx.AsyncClient) -> None:
    await signed_in_as(client, "council")
    board = await make_body("Old Town Task Force")
    refused = await post_form(client, f"/council/boards/{board}", {"name": "Old Town Task Force", "kind": "task_force",
                                                                     "purpose": "Short", "start_date": "2026-01-01",
                                                                     "end_date": "2025-01-01"})
    assert refused.status_code == 400
    assert "The end must be after the start." in text_of(refused.text) and ">Short</textarea>" in refused.text
    saved = await post_form(client, f"/council/boards/{board}", {
        "name": "Old Town Night-time Task Force", "kind": "task_force", "purpose": "Safe nights in Old Town.",
        "start_date": "2026-01-01", "end_date": "2027-06-30"})
    assert saved.status_code == 303
    page = text_of((await client.get(f"/boards/{board}")).text)
    assert "Old Town Night-time Task Force" in page and "Safe nights in Old Town." in page and "Task force" in page
    added = await post_form(client, f"/council/boards/{board}/members", {
        "person_name": "Kofi Asante", "role": "secretary", "term_start": "2026-02-01", "term_end": "2026-01-01"})
    assert added.status_code == 400 and 'value="Kofi Asante"' in added.text
    added = await post_form(client, f"/council/boards/{board}/members", {
        "person_name": "Kofi Asante", "role": "secretary", "term_start": "2026-02-01"})
    assert added.status_code == 303
    assert "Kofi Asante" in (await client.get(f"/boards/{board}")).text
