"""In-process helpers for bench_http.py, run as a subprocess with the tree under test first on the
import path (so a "before" checkout can be measured with the same benchmark):

    python bench/http_helper.py setup-cast N          # an open ballot with N access codes (JSON out)
    python bench/http_helper.py count-sql SPEC_JSON    # SQL statements per request (JSON out)

DATABASE_URL, SECRET_KEY and TOWNSQUARE_VAR_DIR come from the environment.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import sys

import httpx


async def setup_cast(voters: int) -> dict[str, object]:
    from ballots import service
    from ballots.schemas import BallotSettings
    from proposals.tables import BudgetCycle, Proposal
    from server.accounts.tables import Account
    from server.database import bind_engine, engine_from_url
    from server.neighborhoods.tables import Neighborhood

    bind_engine(engine_from_url(os.environ["DATABASE_URL"]))
    hood = (await Neighborhood.insert(Neighborhood(name="Bench Heights")).returning(Neighborhood.id))[0]["id"]
    council = (await Account.select(Account.id).where(Account.role == "council").first())["id"]
    today = dt.date.today()
    cycle = (await BudgetCycle.insert(BudgetCycle(
        name="Bench cycle", ideas_open=today - dt.timedelta(days=90), deliberation_open=today - dt.timedelta(days=60),
        review_open=today - dt.timedelta(days=30), voting_open=today - dt.timedelta(days=1),
        results_open=today + dt.timedelta(days=30), delivery_open=today + dt.timedelta(days=40),
        delivery_close=today + dt.timedelta(days=400),
    )).returning(BudgetCycle.id))[0]["id"]
    candidates = []
    for i in range(8):
        cost = (i + 2) * 7000
        rows = await Proposal.insert(Proposal(
            cycle=cycle, neighborhood=hood, author=council, title=f"Bench project {i + 1}: crossing {i + 1}",
            summary=f"Safer crossing near block {i + 1}.", description="Details. " * 40, category="lighting",
            estimated_cost=cost, status="feasible", final_cost=cost, ballot_eligible=True,
        )).returning(Proposal.id)
        candidates.append(rows[0]["id"])
    now = dt.datetime.now(dt.UTC)
    ballot_id = await service.create_ballot(BallotSettings(
        cycle_id=cycle, neighborhood_id=hood, title="Bench Heights fund", explanation="Rank up to three.",
        budget=100_000, max_ranks=3, min_ranks=1, age_min=None, age_max=None,
        opens_at=now - dt.timedelta(minutes=1), closes_at=now + dt.timedelta(hours=3), rule="mes",
        candidate_ids=candidates,
    ), council)
    codes: list[str] = []
    try:
        from ballots import batch_service
        from ballots.schemas import BatchSpec
    except ImportError:  # a tree from before code batches (issue 15), measured with --root
        while len(codes) < voters:
            codes += await service.generate_codes(ballot_id, min(service.MAX_CODES_PER_BATCH, voters - len(codes)))
        return {"ballot_id": ballot_id, "codes": codes, "candidates": candidates, "max_ranks": 3}
    while len(codes) < voters:
        # Printed before voting opened: one council member issues them (ballots/batch_service.py).
        codes += (await batch_service.issue_batch(ballot_id, BatchSpec("Load test", min(
            service.MAX_CODES_PER_BATCH, voters - len(codes))), council, now=now - dt.timedelta(minutes=2))).codes
    return {"ballot_id": ballot_id, "codes": codes, "candidates": candidates, "max_ranks": 3}


CAST_RANK_RE = re.compile(r'<form method="post" action="/ballots/\d+/cast">(.*?)</form>', re.S)
RANK_VALUE_RE = re.compile(r'name="rank" value="(\d+)"')


async def code_flow(client: httpx.AsyncClient, code: str, ranking: list[int]) -> None:
    """A voter without JavaScript, as bench/load_cast.py drives it."""
    client.cookies.clear()
    await client.get("/vote")
    token = client.cookies["townsquare_csrf"]
    r = await client.post("/vote", data={"code": code, "birth_year": "", "_csrf_token": token})
    assert r.status_code == 303, r.text[:300]
    vote_url = r.headers["location"]
    base = vote_url.rsplit("/", 1)[0]
    await client.get(vote_url)
    form = {f"rank_{i + 1}": str(pid) for i, pid in enumerate(ranking)} | {"_csrf_token": token}
    review = await client.post(f"{base}/review", data=form)
    ranks = RANK_VALUE_RE.findall(CAST_RANK_RE.search(review.text).group(1))  # type: ignore[union-attr]
    r = await client.post(f"{base}/cast", data={"rank": ranks, "_csrf_token": token})
    assert r.status_code == 200, r.text[:300]


async def count_sql(spec: dict[str, object]) -> dict[str, dict[str, float]]:
    """Statements Piccolo sends (BEGIN/COMMIT not included) and asyncpg pool resets, per request,
    through the whole app in this process, on the benchmark's database."""
    import asyncpg

    import server.database as database
    from server.app import create_app
    from server.settings import load_settings

    settings = load_settings()
    engine = database.engine_from_url(settings.database_url)
    counts = {"statements": 0, "resets": 0}
    engine_class = type(engine)
    run_querystring = engine_class.run_querystring
    reset = asyncpg.connection.Connection.reset

    async def counting(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        counts["statements"] += 1
        return await run_querystring(self, *args, **kwargs)

    async def counting_reset(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        counts["resets"] += 1
        return await reset(self, *args, **kwargs)

    engine_class.run_querystring = counting  # type: ignore[method-assign]
    asyncpg.connection.Connection.reset = counting_reset  # type: ignore[method-assign]
    if not database.is_sqlite(engine):
        if hasattr(database, "start_postgres_pool"):
            await database.start_postgres_pool(engine, min_size=1, max_size=4)
        else:
            await engine.start_connection_pool(min_size=1, max_size=4)
    app = create_app(settings, engine=engine, run_jobs=False)
    results: dict[str, dict[str, float]] = {}
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        async def measure(label: str, action, repeat: int = 3) -> None:  # type: ignore[no-untyped-def]
            await action()  # warm: caches and prepared statements, as on a running server
            counts.update(statements=0, resets=0)
            for _ in range(repeat):
                await action()
            results[label] = {k: v / repeat for k, v in counts.items()}

        for path in spec["paths"]:  # type: ignore[attr-defined]
            await measure(f"GET {path}", lambda path=path: client.get(path))
        signed_in = httpx.AsyncClient(transport=transport, base_url="http://bench")
        await signed_in.get("/signin")
        token = signed_in.cookies["townsquare_csrf"]
        r = await signed_in.post("/signin", data={"email": spec["email"], "password": spec["password"],
                                                  "_csrf_token": token})
        assert r.status_code == 303, r.text[:300]
        for path in spec["signed_in_paths"]:  # type: ignore[attr-defined]
            await measure(f"GET {path} (signed in)", lambda path=path: signed_in.get(path))
        codes = list(spec["codes"])  # type: ignore[call-overload]
        ranking = list(spec["ranking"])  # type: ignore[call-overload]
        await measure("cast flow (5 requests)", lambda: code_flow(client, codes.pop(), ranking))
    if not database.is_sqlite(engine):
        await engine.close_connection_pool()
    return results


def main() -> int:
    command = sys.argv[1]
    if command == "setup-cast":
        print(json.dumps(asyncio.run(setup_cast(int(sys.argv[2])))))
    elif command == "count-sql":
        print(json.dumps(asyncio.run(count_sql(json.loads(sys.argv[2])))))
    else:
        raise SystemExit(f"unknown command {command}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
