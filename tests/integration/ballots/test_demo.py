"""The ballots demo: open ballots with usable codes, turnout of every origin, a closed ballot of 150."""

from __future__ import annotations

from ballots import service
from server.demo import DemoContext


async def test_demo_ballots(demo: DemoContext) -> None:
    ctx = demo
    closed = ctx.extra["closed_ballot_id"]
    assert isinstance(closed, int)
    data = await service.election_data(closed)
    assert data is not None and data.closed and data.rule == "mes" and len(data.candidates) == 8
    assert sum(weight for _ranking, weight in data.ballots) == 150
    assert all(1 <= len(ranking) <= data.max_ranks for ranking, _w in data.ballots)
    river, youth = ctx.extra["open_ballot_ids"]  # type: ignore[misc]
    for ballot_id in (river, youth):
        turnout = await service.turnout(ballot_id)
        assert turnout.total and turnout.total >= 5
        assert {g.key for g in turnout.by_origin} == {"online", "code", "paper"}
    code_lines = [n for n in ctx.notes if n.startswith("  ") and "-" in n and "@" not in n]
    code = code_lines[0].split()[0]
    match = await service.find_code(code)
    assert match is not None and not match.used and match.ballot_id in (river, youth)


async def test_demo_shows_partners_youth_batches_and_booths(demo: DemoContext) -> None:
    """Issue 15, item 9: a partner with code batches, a youth event batch, a booth check-in."""
    from ballots import batch_service, booth_service

    ctx = demo
    river, youth = ctx.extra["open_ballot_ids"]  # type: ignore[misc]
    partner = ctx.accounts["youth_centre"]
    mine = await batch_service.partner_batches(partner)
    assert {(b.name, b.age_min, b.age_max) for b in mine} >= {("Youth night at Eastgate Youth Center", 12, 17)}
    youth_night = next(b for b in mine if b.name == "Youth night at Eastgate Youth Center")
    assert youth_night.used == 5 and youth_night.fits
    assert await booth_service.voted_on_paper(river, ("account", ctx.accounts["booth_voter"]))
    assert [name for name, _role, _n in await booth_service.check_ins_by_staff(river)] == [
        "Rosa Alvarez (Eastgate Youth Center)"]
    kinds = [e.kind for e in await batch_service.public_record(youth)]
    assert "issued_after_opening" in kinds and "voided" in kinds
    waiting = [b for b in await batch_service.batches_of(river) if b.status == "requested"]
    assert [b.requested_by_id for b in waiting] == [ctx.accounts["council2"]]
    youth_code_lines = [n for n in ctx.notes if "Youth night" in n]
    assert youth_code_lines
