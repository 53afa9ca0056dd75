"""The assemblies demo tells the story the issue asks for, on both engines."""

from __future__ import annotations

from assemblies import rules, service
from assemblies.tables import Body, Meeting
from server.demo import DemoContext


async def test_demo_board_meetings_and_commitments(demo: DemoContext) -> None:
    ctx = demo
    board = await Body.select(Body.id).where(Body.name == "Riverside Community Safety Board").first()
    members = await service.members_of(board["id"])
    co_chairs = [m for m in members if m.role == rules.CO_CHAIR and m.current]
    assert len(co_chairs) == 2 and all(m.account_id for m in co_chairs)
    assert {m.account_id for m in co_chairs} == {ctx.accounts["resident"], ctx.accounts["neighbor"]}
    assert any(m.role == rules.STAFF_LIAISON and m.account_id == ctx.accounts["council"] for m in members)

    upcoming = await service.list_meetings(when="upcoming")
    assemblies = [m for m in upcoming if m.kind == "assembly"]
    assert assemblies and assemblies[0].interpretation
    assert await service.agenda_of(assemblies[0].id)
    held = [m for m in await service.list_meetings(when="past") if m.has_minutes]
    assert held
    minutes = await service.get_meeting(held[0].id)
    assert minutes is not None and minutes.recommendations and minutes.attendance
    assert await Meeting.count().where(Meeting.status == rules.CANCELLED) == 1

    register = await service.list_commitments()
    assert {c.status for c in register} == set(rules.COMMITMENT_STATUSES)
    assert any(c.overdue for c in register)
    assert any(c.revisions == 2 for c in register)
    assert await service.list_commitments(source=("meeting", held[0].id))
