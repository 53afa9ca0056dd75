"""The ballots demo: open ballots with usable codes, turnout of every origin, a closed ballot of 150."""

from __future__ import annotations

from piccolo.engine.base import Engine

from ballots import service
from server.demo import load_demo


async def test_demo_ballots(db: Engine) -> None:
    ctx = await load_demo(progress=lambda _line: None)
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
