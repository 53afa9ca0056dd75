"""Demo meetings, a board and the commitment register: a Riverside safety board with two resident
co-chairs and a staff liaison; an upcoming assembly with an agenda and interpretation, a held one with
minutes and recommendations, a cancelled one; commitments in every state, one overdue and one whose
date was revised twice. Written straight to the tables so that past dates stay in the past."""

from __future__ import annotations

import datetime as dt

from assemblies import rules
from assemblies.tables import (
    AgendaItem,
    Body,
    Commitment,
    CommitmentEvent,
    Follow,
    Meeting,
    MeetingNeighborhood,
    Membership,
)
from server import clock
from server.demo import DemoContext, DemoStep


def _at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    """`days` from today at this time on the city's clock, as a UTC moment."""
    day = clock.today() + dt.timedelta(days=days)
    return clock.from_local(dt.datetime(day.year, day.month, day.day, hour, minute))


async def _insert(row: object) -> int:
    table = type(row)
    rows = await table.insert(row).returning(table.id)  # type: ignore[attr-defined]
    return rows[0]["id"]


async def _board(ctx: DemoContext) -> None:
    today = clock.today()
    hood = ctx.neighborhoods.get("Riverside")
    board = await _insert(Body(
        name="Riverside Community Safety Board", kind="board", neighborhood=hood,
        purpose="Residents and council staff working together on how Riverside stays safe: street lighting, "
                "safe routes to school, and how the council answers residents' concerns.",
        start_date=today - dt.timedelta(days=400)))
    names = {"resident": "Amira Haddad", "neighbor": "Tom Becker", "council": "Dana Okafor"}
    for key, role, label in (("resident", rules.CO_CHAIR, "Resident co-chair"),
                             ("neighbor", rules.CO_CHAIR, "Resident co-chair"),
                             ("council", rules.STAFF_LIAISON, "Community safety team")):
        await _insert(Membership(body=board, account=ctx.accounts.get(key), person_name=names[key], role=role,
                                 label=label, start_date=today - dt.timedelta(days=400)))
    await _insert(Membership(body=board, person_name="Rev. Ada Mensah", role=rules.MEMBER,
                             label="Riverside Faith Forum", start_date=today - dt.timedelta(days=400)))
    await _insert(Membership(body=board, person_name="Kofi Asante", role=rules.SECRETARY, label="",
                             start_date=today - dt.timedelta(days=400), end_date=today - dt.timedelta(days=30)))
    await _insert(Body(name="Night-time Economy Task Force", kind="task_force", neighborhood=ctx.neighborhoods.get(
        "Old Town"), purpose="Bar owners, residents and outreach workers agree how Old Town stays safe after dark.",
        start_date=today - dt.timedelta(days=90), end_date=today + dt.timedelta(days=275)))
    ctx.extra["assemblies_board"] = board


async def _meetings(ctx: DemoContext) -> None:
    board = ctx.extra["assemblies_board"]
    council = ctx.accounts.get("council")
    upcoming = await _insert(Meeting(
        title="Riverside spring assembly", kind="assembly", body=None,
        description="The twice-yearly assembly: what the council did since the autumn, and what residents want next.",
        starts_at=_at(12, 18, 30), ends_at=_at(12, 20, 30), mode="hybrid", address="Riverside Community Hall, "
        "12 Canal Road", accessibility="Step-free entrance from Canal Road; hearing loop in the main hall.",
        online_url="https://meet.example.org/riverside-assembly", languages="English, Spanish, Arabic",
        interpretation="Spanish and Arabic interpreters in the hall and on the call; BSL on request.",
        childcare=True, registration=True, capacity=120, created_by=council))
    items = [(None, "Welcome and how tonight works", 10), (None, "Report back on last autumn's commitments", 30),
             (None, "Street lighting along the river path", 40), (None, "Open floor", 30)]
    ids = []
    for n, (parent, title, minutes) in enumerate(items, start=1):
        ids.append(await _insert(AgendaItem(meeting=upcoming, parent=parent, position=n, title=title,
                                            duration_minutes=minutes)))
    for n, title in enumerate(("Lamps out on the river path: survey results", "Residents' questions"), start=1):
        await _insert(AgendaItem(meeting=upcoming, parent=ids[2], position=n, title=title))
    held = await _insert(Meeting(
        title="Riverside Community Safety Board: autumn meeting", kind="board_meeting", body=board,
        description="Quarterly meeting of the board, open to the public.",
        starts_at=_at(-40, 18), ends_at=_at(-40, 20), mode="in_person", address="Riverside Library, meeting room 2",
        accessibility="Lift to the first floor.", languages="English, Arabic", interpretation="Arabic interpreter",
        status=rules.HELD, attendance=34, sequence=1, created_by=ctx.accounts.get("resident"),
        summary="Thirty-four residents came. The board heard from the council's lighting team and from parents "
                "at Elm Street school about the crossing.",
        decisions="- The board will publish its own survey of broken lamps every quarter.\n"
                  "- The next meeting moves to the community hall, which is step-free.",
        recommendations="1. Repair every broken lamp on the river path before the winter.\n"
                        "2. A crossing guard at Elm Street at school times.\n"
                        "3. Publish the response times for lighting faults each month.",
        recording_url="https://video.example.org/riverside-board-autumn",
        minutes_published_at=_at(-37, 12)))
    await _insert(AgendaItem(meeting=held, position=1, title="Lighting survey", duration_minutes=45))
    await _insert(AgendaItem(meeting=held, position=2, title="Elm Street crossing", duration_minutes=45))
    cancelled = await _insert(Meeting(
        title="Hillcrest and Old Town listening session on youth safety", kind="listening_session",
        description="Young people and parents talk to council staff.",
        starts_at=_at(5, 17), ends_at=_at(5, 19), mode="in_person", address="Hillcrest Youth Centre",
        status=rules.CANCELLED, sequence=1, languages="English",
        cancel_reason="The youth centre is closed for repairs after a burst pipe. A new date will be announced "
                      "here within two weeks.", created_by=council))
    await _insert(Meeting(
        title="City-wide town hall on community safety", kind="town_hall",
        description="The council presents the year's safety budget and answers questions.",
        starts_at=_at(30, 18), ends_at=_at(30, 20), mode="online",
        online_url="https://meet.example.org/town-hall", languages="English, Spanish",
        interpretation="Spanish interpretation on a separate audio channel", created_by=council))
    for meeting, names in ((upcoming, ["Riverside"]), (held, ["Riverside"]), (cancelled, ["Hillcrest", "Old Town"])):
        for name in names:
            if ctx.neighborhoods.get(name):
                await _insert(MeetingNeighborhood(meeting=meeting, neighborhood=ctx.neighborhoods[name]))
    ctx.extra["assemblies_held"] = held
    for key in ("resident", "neighbor"):
        if ctx.accounts.get(key):
            await _insert(Follow(target_kind="meeting", target_id=upcoming, account=ctx.accounts[key]))


async def _commitments(ctx: DemoContext) -> None:
    held = ctx.extra["assemblies_held"]
    board = ctx.extra["assemblies_board"]
    council = ctx.accounts.get("council")
    author = "Dana Okafor (Council)"
    today = clock.today()
    hood = ctx.neighborhoods.get("Riverside")

    async def commitment(title: str, owner: str, promised: int, status: str, *, source: tuple[str, int] | None,
                         description: str, events: list[dict[str, object]], due: int | None = None,
                         done: int | None = None, reason: str = "") -> int:
        created = _at(-38, 10)
        cid = await _insert(Commitment(
            title=title, owner=owner, description=description, source_kind=source[0] if source else None,
            source_id=source[1] if source else None, neighborhood=hood,
            promised_date=today + dt.timedelta(days=promised),
            due_date=today + dt.timedelta(days=due if due is not None else promised), status=status,
            status_reason=reason, done_on=today + dt.timedelta(days=done) if done is not None else None,
            created_by=council, created_at=created, updated_at=created))
        await _insert(CommitmentEvent(commitment=cid, kind="created", status_to=rules.OPEN,
                                      date_to=today + dt.timedelta(days=promised), author=council, author_name=author,
                                      created_at=created))
        for event in events:
            await _insert(CommitmentEvent(commitment=cid, author=council, author_name=author, **event))
        return cid

    def days(n: int) -> dt.date:
        return today + dt.timedelta(days=n)

    await commitment(
        "Repair every broken lamp on the river path", "Street Lighting Team", -10, rules.IN_PROGRESS,
        source=("meeting", held), description="All 23 lamps found broken in the board's survey.",
        events=[{"kind": "status", "status_from": rules.OPEN, "status_to": rules.IN_PROGRESS, "created_at": _at(-30, 9),
                 "body": "The contractor started on the northern half; 11 lamps fixed so far."}])
    revised = await commitment(
        "A crossing guard at Elm Street at school times", "Schools and Transport", -20, rules.OPEN,
        source=("meeting", held), due=21, description="Mornings 8:00-9:00 and afternoons 15:00-16:00.",
        events=[
            {"kind": "revision", "date_from": days(-20), "date_to": days(-5), "created_at": _at(-25, 11),
             "body": "Recruitment of the guard took longer than planned: the first advert had no applicants."},
            {"kind": "revision", "date_from": days(-5), "date_to": days(21), "created_at": _at(-6, 11),
             "body": "The new guard starts after their safeguarding check, which takes three weeks."},
        ])
    await commitment(
        "Publish lighting fault response times every month", "Street Lighting Team", -15, rules.DONE, done=-18,
        source=("meeting", held), description="On the council's open data page, by neighborhood.",
        events=[{"kind": "status", "status_from": rules.OPEN, "status_to": rules.DONE, "created_at": _at(-18, 15),
                 "body": "The first monthly figures are published and will be updated on the 1st of each month."}])
    await commitment(
        "Quarterly safety walk with the board", "Community Safety Team", 60, rules.OPEN, source=("board", board),
        description="Board members and council staff walk the neighborhood after dark each quarter.", events=[])
    await commitment(
        "CCTV on the canal towpath", "Community Safety Team", 30, rules.DROPPED, source=("board", board),
        description="Cameras along the towpath.", reason="The board and residents at the autumn meeting preferred "
        "better lighting and a regular safety walk to cameras; the money moves to the lighting repairs.",
        events=[{"kind": "status", "status_from": rules.OPEN, "status_to": rules.DROPPED, "created_at": _at(-35, 10),
                 "body": "The board and residents at the autumn meeting preferred better lighting and a regular "
                         "safety walk to cameras; the money moves to the lighting repairs."}])
    if ctx.accounts.get("resident"):
        await _insert(Follow(target_kind="commitment", target_id=revised, account=ctx.accounts["resident"]))
    ctx.notes.append("Assemblies: Amira Haddad (resident@...) co-chairs the Riverside Community Safety Board.")


DEMO_STEPS: list[DemoStep] = [("Advisory boards", _board), ("Meetings", _meetings), ("Commitments", _commitments)]
