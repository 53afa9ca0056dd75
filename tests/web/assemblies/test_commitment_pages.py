"""The commitment register over HTTP: council staff record a commitment from a meeting's
recommendation, revise its date with a reason (refused forms keep what was typed), followers read
it on their notifications page, and the public register filters and flags what is overdue."""

from __future__ import annotations

import datetime as dt

import httpx
from factories.assemblies import council_member, held_meeting, make_commitment
from support import post_form, sign_in, signed_in_as, text_of

from assemblies import rules, service
from server import clock


async def test_a_recommendation_becomes_a_commitment_and_its_revision_reaches_followers(
        client: httpx.AsyncClient, other_client: httpx.AsyncClient) -> None:
    meeting_id = await held_meeting("Autumn assembly")
    staff = await signed_in_as(client, "council")
    form_page = await client.get(f"/council/commitments/new?source_kind=meeting&source_id={meeting_id}")
    assert "Autumn assembly" in form_page.text
    promised = clock.today() + dt.timedelta(days=20)
    created = await post_form(client, "/council/commitments/new", {
        "title": "Fix the lamps on the river path", "owner": "Street Lighting Team",
        "promised_date": promised.isoformat(), "link_kind": "meeting", "link_ref": str(meeting_id)})
    assert created.status_code == 303
    commitment_id = int(created.headers["location"].rsplit("/", 1)[1])
    meeting_page = await client.get(f"/meetings/{meeting_id}")
    assert f'href="/commitments/{commitment_id}"' in meeting_page.text  # linked both ways
    page = await client.get(f"/commitments/{commitment_id}")
    assert f'href="/meetings/{meeting_id}"' in page.text

    follower = await signed_in_as(other_client, "resident")
    await post_form(other_client, f"/commitments/{commitment_id}/follow", {"follow": "1"})

    new_date = (promised + dt.timedelta(days=30)).isoformat()
    refused = await post_form(client, f"/council/commitments/{commitment_id}/revise",
                              {"due_date": new_date, "reason": "Later"})
    assert refused.status_code == 400
    assert "Please explain the reason in at least 20 characters." in text_of(refused.text)
    assert f'value="{new_date}"' in refused.text and ">Later</textarea>" in refused.text
    reason = "The lamps on order arrive a month late."
    assert (await post_form(client, f"/council/commitments/{commitment_id}/revise",
                            {"due_date": new_date, "reason": reason})).status_code == 303
    page = text_of((await other_client.get(f"/commitments/{commitment_id}")).text)
    assert reason in page and "Date moved from" in page and "revised 1 time" in page
    notices = text_of((await other_client.get("/notifications")).text)
    assert f"{staff.display_name} moved the date of the commitment “Fix the lamps on the river path”" in notices
    assert follower.id != staff.id


async def test_the_register_filters_and_flags_overdue(client: httpx.AsyncClient) -> None:
    staff = await council_member()
    late = await make_commitment("Crossing guard at Elm Street", promised=clock.today() - dt.timedelta(days=3),
                                 by=staff, owner="Schools and Transport")
    done = await make_commitment("Monthly response times", by=staff)
    await service.report(done, staff, rules.DONE, "Published.")
    register = await client.get("/commitments")
    text = text_of(register.text)
    assert "Overdue by 3 days" in text and "2 commitments" in text
    assert text.index("Crossing guard at Elm Street") < text.index("Monthly response times")  # overdue first
    only_done = await client.get("/commitments?status=done")
    assert "Monthly response times" in only_done.text and "Crossing guard" not in only_done.text
    by_owner = await client.get("/commitments?owner=Schools+and+Transport")
    assert "Crossing guard" in by_owner.text and "Monthly response times" not in by_owner.text
    overdue = await client.get("/commitments?overdue=1")
    assert f'href="/commitments/{late}"' in overdue.text and f'href="/commitments/{done}"' not in overdue.text


async def test_only_council_staff_report_progress(client: httpx.AsyncClient) -> None:
    commitment = await make_commitment()
    await signed_in_as(client, "resident")
    response = await post_form(client, f"/council/commitments/{commitment}/report",
                               {"status": "done", "body": "I did it myself."})
    assert response.status_code == 403
    staff = await council_member()
    await sign_in(client, staff.email)
    refused = await post_form(client, f"/council/commitments/{commitment}/report", {"status": "dropped",
                                                                                     "body": "No money."})
    assert refused.status_code == 400 and ">No money.</textarea>" in refused.text
    detail = await service.commitment_detail(commitment)
    assert detail is not None and detail.commitment.status == rules.OPEN


async def test_a_proposals_timeline_shows_its_meetings_and_commitments(client: httpx.AsyncClient) -> None:
    from factories.delivery import make_proposal

    proposal = await make_proposal("Brighter lamps on the river path")
    staff = await council_member()
    meeting = await held_meeting("Autumn assembly")
    await service.add_agenda_item(meeting, staff, title="Lamps", notes="", duration_minutes=None, parent_id=None,
                                  link=("proposal", proposal))
    commitment = await make_commitment("Fix every lamp by winter", source=("proposal", proposal), by=staff)
    page = await client.get(f"/proposals/{proposal}")
    text = text_of(page.text)
    assert "Discussed at Autumn assembly ." in text
    assert "Council commitment: Fix every lamp by winter (Open, due" in text
    assert f'href="/commitments/{commitment}"' in page.text and f'href="/meetings/{meeting}"' in page.text


async def test_a_link_kind_declared_later_works_unchanged(client: httpx.AsyncClient) -> None:
    """A domain added later declaring a link kind (public items only, by its own rule) is offered in
    the forms and linked, with nothing in assemblies changed (as the concerns domain was)."""
    from support import with_domain

    from server.domains import Domain, Kind
    from server.links import LinkKind

    async def gardens(ids: list[int], viewer: object) -> dict[int, tuple[str, str]]:
        public = {7: "Dark underpass on Canal Road"}  # plot 8 exists but is private: never shown
        return {i: (public[i], f"/gardens/{i}") for i in ids if i in public}

    with with_domain(Domain(name="gardens_test", kinds=[Kind("link", "garden", LinkKind("Garden plot", gardens))])):
        await signed_in_as(client, "council")
        form = await client.get("/council/commitments/new")
        assert '<option value="garden"' in form.text
        refused = await post_form(client, "/council/commitments/new", {
            "title": "Light the underpass", "owner": "Street Lighting Team", "promised_date": "2031-01-01",
            "link_kind": "garden", "link_ref": "8"})
        assert refused.status_code == 400 and "There is no public item with this number." in text_of(refused.text)
        created = await post_form(client, "/council/commitments/new", {
            "title": "Light the underpass", "owner": "Street Lighting Team", "promised_date": "2031-01-01",
            "link_kind": "garden", "link_ref": "https://town.example/gardens/7"})
        assert created.status_code == 303
        page = await client.get(created.headers["location"])
        assert 'href="/gardens/7"' in page.text and "Dark underpass on Canal Road" in page.text
        register = await client.get("/commitments")
        assert 'href="/gardens/7"' in register.text


async def test_the_progress_feed(client: httpx.AsyncClient) -> None:
    from xml.etree import ElementTree as ET

    staff = await council_member()
    commitment = await make_commitment("Fix the lamps", promised=clock.today() + dt.timedelta(days=5), by=staff)
    await service.revise_date(commitment, staff, clock.today() + dt.timedelta(days=50), "The lamps arrive late.")
    await service.report(commitment, staff, rules.IN_PROGRESS, "Work started on Monday.")
    feed = await client.get("/feeds/commitments.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = ET.fromstring(feed.content).findall("a:entry", ns)
    titles = [e.findtext("a:title", namespaces=ns) for e in entries]
    assert titles[0] == "Fix the lamps: now In progress"
    assert titles[1].startswith("Fix the lamps: date moved from") and titles[2].startswith("New commitment: Fix")
    assert entries[1].findtext("a:summary", namespaces=ns) == "The lamps arrive late."


async def test_the_register_pages_by_fifty_and_its_links_keep_the_filters(client: httpx.AsyncClient) -> None:
    staff = await council_member()
    today = clock.today()
    ids = [await make_commitment(f"Park promise {n}", owner="Parks Team", by=staff,
                                 promised=today + dt.timedelta(days=n)) for n in range(1, 53)]
    for n in range(3):
        await make_commitment(f"Lamp promise {n}", by=staff)
    # A revision on the second page is still counted there (revisions are counted per page).
    await service.revise_date(ids[-1], staff, today + dt.timedelta(days=90), "The park contractor is late.")
    first = await client.get("/commitments?owner=Parks+Team")
    assert first.status_code == 200
    assert first.text.count('class="card commitment-card') == service.COMMITMENTS_PER_PAGE == 50
    assert "52 commitments · showing 1 to 50" in text_of(first.text)
    assert 'href="?owner=Parks+Team&amp;page=2" rel="next"' in first.text and 'rel="prev"' not in first.text
    second = await client.get("/commitments?owner=Parks+Team&page=2")
    assert second.text.count('class="card commitment-card') == 2
    assert "52 commitments · showing 51 to 52" in text_of(second.text)
    assert 'href="?owner=Parks+Team&amp;page=1" rel="prev"' in second.text and 'rel="next"' not in second.text
    assert "Park promise 51" in second.text and "date revised 1 time" in second.text
    everything = await service.list_commitments(owner="Parks Team")
    pages = [await service.commitment_page(owner="Parks Team", page=p) for p in (1, 2)]
    assert [c for page in pages for c in page.items] == everything
    # Past the last page is the last page; nonsense is the first.
    assert "showing 51 to 52" in text_of((await client.get("/commitments?owner=Parks+Team&page=9")).text)
    assert "showing 1 to 50" in text_of((await client.get("/commitments?owner=Parks+Team&page=x")).text)
    unfiltered = await client.get("/commitments?page=2")
    assert "55 commitments · showing 51 to 55" in text_of(unfiltered.text)
    assert 'href="?page=1" rel="prev"' in unfiltered.text
    # One page: no paging at all.
    lamps = await client.get("/commitments?owner=Street+Lighting+Team")
    assert "3 commitments" in text_of(lamps.text) and "showing" not in lamps.text and "pagination" not in lamps.text


async def test_signing_in_to_follow_comes_back_to_the_commitment(client: httpx.AsyncClient) -> None:
    commitment = await make_commitment()
    page = await client.get(f"/commitments/{commitment}")
    assert f'<a href="/signin?next=/commitments/{commitment}">' in page.text
