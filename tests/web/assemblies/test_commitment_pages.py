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
