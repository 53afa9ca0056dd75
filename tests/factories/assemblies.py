"""The assemblies domain's factories: bodies with members, meetings and commitments, made through the
services (as council staff)."""

from __future__ import annotations

import datetime as dt
import itertools

from support import make_account, make_neighborhood

from assemblies import rules, service
from assemblies.schemas import BodyInput, CommitmentInput, MeetingInput, MemberInput, MinutesInput
from server import clock
from server.current_user import Viewer

_n = itertools.count(1)


async def council_member() -> Viewer:
    return await make_account("council", name=f"Council {next(_n)}")


async def make_body(name: str | None = None, *, co_chair: Viewer | None = None,
                    neighborhood_id: int | None = None) -> int:
    staff = await council_member()
    body_id = await service.create_body(staff, BodyInput(
        name or f"Safety board {next(_n)}", "board", "Residents and staff on street safety.", neighborhood_id,
        clock.today() - dt.timedelta(days=100), None))
    if co_chair is not None:
        await service.add_member(body_id, staff, MemberInput("", co_chair.email, rules.CO_CHAIR, "",
                                                             clock.today() - dt.timedelta(days=100), None))
    return body_id


def meeting_input(title: str = "Riverside assembly", *, starts: dt.datetime | None = None, hours: int = 2,
                  neighborhood_id: int | None = None, registration: bool = False,
                  capacity: int | None = None) -> MeetingInput:
    starts = starts or clock.now() + dt.timedelta(days=7)
    return MeetingInput(title, "assembly", "What the council did, what residents want next.",
                        [neighborhood_id] if neighborhood_id else [],
                        starts, starts + dt.timedelta(hours=hours), "hybrid", "Community Hall, 12 Canal Road",
                        "Step-free entrance.", "https://meet.example.org/a", "English, Arabic", "Arabic interpreter",
                        True, registration, capacity)


async def make_meeting(title: str = "Riverside assembly", *, body_id: int | None = None,
                       starts: dt.datetime | None = None, by: Viewer | None = None, **kwargs: object) -> int:
    by = by or await council_member()
    return await service.create_meeting(by, body_id, meeting_input(title, starts=starts, **kwargs))  # type: ignore[arg-type]


async def held_meeting(title: str = "Autumn assembly", *, body_id: int | None = None) -> int:
    staff = await council_member()
    meeting_id = await make_meeting(title, body_id=body_id, starts=clock.now() - dt.timedelta(days=3), by=staff)
    await service.publish_minutes(meeting_id, staff, MinutesInput(
        25, "Twenty-five residents came.", "", "1. Fix the lamps on the river path.", ""))
    return meeting_id


async def make_commitment(title: str = "Fix the lamps on the river path", *, promised: dt.date | None = None,
                          source: tuple[str, int] | None = None, owner: str = "Street Lighting Team",
                          by: Viewer | None = None) -> int:
    by = by or await council_member()
    return await service.create_commitment(by, CommitmentInput(
        title, "All of them.", owner, promised or clock.today() + dt.timedelta(days=30), None,
        source[0] if source else None, source[1] if source else None))


async def a_neighborhood() -> int:
    return await make_neighborhood(f"Hood {next(_n)}")
