"""Who may reach each route of the assemblies domain: its part of the access matrix. Running a
meeting is for council staff and the body's own co-chairs (tested in tests/web/assemblies); in the
matrix the meeting belongs to no body, so only council staff may run it."""

from __future__ import annotations

from typing import Any

from web.security.access_matrix import (
    ALLOW,
    COUNCIL,
    DENY,
    PUBLIC,
    SIGNIN,
    Access,
    World,
    access,
)


async def a_meeting(world: World, role: str) -> dict[str, Any]:
    from factories.assemblies import make_meeting

    return {"meeting_id": await make_meeting("Matrix assembly")}


async def an_agenda_item(world: World, role: str) -> dict[str, Any]:
    from factories.assemblies import council_member, make_meeting

    from assemblies import service

    staff = await council_member()
    meeting_id = await make_meeting("Matrix assembly", by=staff)
    item_id = await service.add_agenda_item(meeting_id, staff, title="Welcome", notes="", duration_minutes=10,
                                            parent_id=None, link=None)
    return {"meeting_id": meeting_id, "item_id": item_id}


async def a_body(world: World, role: str) -> dict[str, Any]:
    from factories.assemblies import make_body

    return {"body_id": await make_body()}


async def a_member(world: World, role: str) -> dict[str, Any]:
    from factories.assemblies import make_body

    from assemblies.service import members_of

    co_chair = world.someone("resident")
    body_id = await make_body(co_chair=co_chair)
    return {"body_id": body_id, "member_id": (await members_of(body_id))[0].id}


async def a_commitment(world: World, role: str) -> dict[str, Any]:
    from factories.assemblies import make_commitment

    return {"commitment_id": await make_commitment()}


# Run by council staff only here (a body's co-chairs too: tests/web/assemblies); blocked accounts publish nothing.
RUNNERS = access(SIGNIN, DENY, DENY, ALLOW, blocked=DENY)

ENTRIES: dict[tuple[str, str], Access] = {
    ("GET", "/meetings"): PUBLIC,
    ("GET", "/meetings/calendar.ics"): PUBLIC,
    ("GET", "/meetings/{meeting_id:int}"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=a_meeting),
    ("GET", "/meetings/{meeting_id:int}/calendar.ics"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=a_meeting),
    ("GET", "/meetings/{meeting_id:int}/ocd.json"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=a_meeting),
    ("POST", "/meetings/{meeting_id:int}/follow"): access(SIGNIN, ALLOW, ALLOW, ALLOW, params=a_meeting),
    ("POST", "/meetings/{meeting_id:int}/register"): access(SIGNIN, ALLOW, ALLOW, ALLOW, params=a_meeting),
    ("GET", "/meetings/new"): access(SIGNIN, DENY, DENY, ALLOW),
    ("POST", "/meetings/new"): RUNNERS,
    ("GET", "/meetings/{meeting_id:int}/manage"): access(SIGNIN, DENY, DENY, ALLOW, params=a_meeting),
    ("POST", "/meetings/{meeting_id:int}/manage"): access(SIGNIN, DENY, DENY, ALLOW, blocked=DENY, params=a_meeting),
    ("POST", "/meetings/{meeting_id:int}/cancel"): access(SIGNIN, DENY, DENY, ALLOW, blocked=DENY, params=a_meeting),
    ("POST", "/meetings/{meeting_id:int}/agenda"): access(SIGNIN, DENY, DENY, ALLOW, blocked=DENY, params=a_meeting),
    ("POST", "/meetings/{meeting_id:int}/agenda/{item_id:int}/move"): access(
        SIGNIN, DENY, DENY, ALLOW, blocked=DENY, params=an_agenda_item),
    ("POST", "/meetings/{meeting_id:int}/agenda/{item_id:int}/remove"): access(
        SIGNIN, DENY, DENY, ALLOW, blocked=DENY, params=an_agenda_item),
    ("POST", "/meetings/{meeting_id:int}/minutes"): access(SIGNIN, DENY, DENY, ALLOW, blocked=DENY,
                                                           params=a_meeting),
    ("GET", "/boards"): PUBLIC,
    ("GET", "/boards/{body_id:int}"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=a_body),
    ("POST", "/boards/{body_id:int}/follow"): access(SIGNIN, ALLOW, ALLOW, ALLOW, params=a_body),
    ("GET", "/council/boards"): COUNCIL,
    ("POST", "/council/boards"): COUNCIL,
    ("GET", "/council/boards/{body_id:int}"): access(SIGNIN, DENY, DENY, ALLOW, params=a_body),
    ("POST", "/council/boards/{body_id:int}"): access(SIGNIN, DENY, DENY, ALLOW, params=a_body),
    ("POST", "/council/boards/{body_id:int}/members"): access(SIGNIN, DENY, DENY, ALLOW, params=a_body),
    ("POST", "/council/boards/{body_id:int}/members/{member_id:int}/end"): access(
        SIGNIN, DENY, DENY, ALLOW, params=a_member),
    ("GET", "/commitments"): PUBLIC,
    ("GET", "/commitments/{commitment_id:int}"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=a_commitment),
    ("POST", "/commitments/{commitment_id:int}/follow"): access(SIGNIN, ALLOW, ALLOW, ALLOW, params=a_commitment),
    ("GET", "/council/commitments/new"): COUNCIL,
    ("POST", "/council/commitments/new"): COUNCIL,
    ("GET", "/council/commitments/{commitment_id:int}"): access(SIGNIN, DENY, DENY, ALLOW, params=a_commitment),
    ("POST", "/council/commitments/{commitment_id:int}/report"): access(SIGNIN, DENY, DENY, ALLOW,
                                                                        params=a_commitment),
    ("POST", "/council/commitments/{commitment_id:int}/revise"): access(SIGNIN, DENY, DENY, ALLOW,
                                                                        params=a_commitment),
}
