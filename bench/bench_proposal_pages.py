"""Time the pages that apply the proposals' visibility rule (list, search, one proposal, its thread,
the open data API list, the notifications page) with 2,000 proposals of which 100 are hidden by a
moderator and 100 are private drafts, in a throwaway SQLite database, over HTTP through the whole
app (ASGI transport, sessions, templates). Prints a table: queries per request and times.

    .venv/bin/python bench/bench_proposal_pages.py [--proposals 2000] [--hidden 100] [--runs 15]

Runs against whatever code is on sys.path first, so the same script measures an older checkout:
    PYTHONPATH=/tmp/old-checkout .venv/bin/python bench/bench_proposal_pages.py
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(os.environ.get("PYTHONPATH", "").split(os.pathsep)[0] or Path(__file__).resolve().parent.parent)
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


async def build(total: int, hidden: int) -> tuple[dict[str, int], str, object]:
    from factories.proposals import make_cycle
    from piccolo.engine.sqlite import SQLiteEngine
    from support import make_account

    from proposals.moderation.tables import ModerationState
    from proposals.tables import Proposal
    from proposals.threads.tables import Comment
    from server.database import migrate
    from server.notifications.tables import Notification

    path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    engine = SQLiteEngine(path=str(path), timeout=30)
    await migrate(engine)
    cycle = await make_cycle("ideas", name="Bench cycle")
    people = [await make_account() for _ in range(40)]
    reader = people[0]
    now = dt.datetime.now(dt.UTC)
    rows = []
    for i in range(total):
        author = people[1 + i % 39]
        rows.append(Proposal(
            cycle=cycle, neighborhood=author.neighborhood_id, author=author.id, title=f"Street lights {i}",
            summary="Brighter lights on the path " * 3, description="The path is dark after 5pm. " * 20,
            category="street_lighting", estimated_cost=10_000 + i, status="draft" if i % 20 == 19 else "submitted",
            created_at=now, updated_at=now, submitted_at=now, support_count=i % 50))
    for start in range(0, total, 500):
        await Proposal.insert(*rows[start:start + 500])
    ids = [r["id"] for r in await Proposal.select(Proposal.id).where(Proposal.status == "submitted").order_by(
        Proposal.id)]
    hidden_ids = ids[::max(1, len(ids) // hidden)][:hidden]
    await ModerationState.insert(*[ModerationState(content_kind="proposal", content_id=i, status="hidden",
                                                   reason="spam") for i in hidden_ids])
    shown = next(i for i in reversed(ids) if i not in hidden_ids)
    await Comment.insert(*[Comment(target_kind="proposal", target_id=shown, author=people[1 + n % 39].id,
                                   body=f"Comment {n}", stance="supports") for n in range(50)])
    await Notification.insert(*[Notification(recipient=reader.id, kind="thread_reply", subject=f"Street lights {i}",
                                             actor="Someone", url=f"/proposals/{i}#comment-1")
                                for i in ids[:30]])
    return {"cycle": cycle, "proposal": shown}, reader.email, engine


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--proposals", type=int, default=2000)
    parser.add_argument("--hidden", type=int, default=100)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    from support import sign_in

    from server.app import create_app
    from server.settings import load_settings

    t0 = time.perf_counter()
    ids, email, engine = await build(args.proposals, args.hidden)
    build_s = time.perf_counter() - t0
    tmp = tempfile.mkdtemp()
    settings = load_settings({"TOWNSQUARE_VAR_DIR": tmp, "SECRET_KEY": "bench-" + "x" * 60,
                              "DATABASE_URL": f"sqlite:///{tmp}/unused.sqlite3"})
    app = create_app(settings, engine=engine)  # type: ignore[arg-type]

    engine_class = type(engine)
    original = engine_class.run_querystring
    counter = {"n": 0}

    async def counting(self, *a, **kw):  # type: ignore[no-untyped-def]
        counter["n"] += 1
        return await original(self, *a, **kw)

    engine_class.run_querystring = counting  # type: ignore[method-assign]
    pages = [
        ("/proposals", "/proposals", {}),
        ("/proposals?q=lights (htmx)", "/proposals?q=lights", {"HX-Request": "true", "HX-Target": "results"}),
        ("/proposals/{id}", f"/proposals/{ids['proposal']}", {}),
        ("/threads/proposal/{id}", f"/threads/proposal/{ids['proposal']}", {}),
        ("/api/v1/proposals?per_page=200", "/api/v1/proposals?per_page=200", {}),
        ("/notifications (30)", "/notifications", {}),
    ]
    rows = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        await sign_in(client, email)
        for label, path, headers in pages:
            await client.get(path, headers=headers)  # warm up templates
            times = []
            for _ in range(args.runs):
                counter["n"] = 0
                t = time.perf_counter()
                response = await client.get(path, headers=headers)
                times.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            times.sort()
            rows.append((label, counter["n"], statistics.median(times), times[0],
                         times[min(len(times) - 1, int(len(times) * 0.95))]))
    print(f"Proposal pages, signed in as a resident: {args.proposals} proposals ({args.hidden} hidden, "
          f"{args.proposals // 20} drafts; built in {build_s:.1f} s), {args.runs} runs each, SQLite, ASGI transport")
    print(f"{'page':<34} {'queries':>7} {'median ms':>10} {'min ms':>8} {'p95 ms':>8}")
    for label, queries, med, low, p95 in rows:
        print(f"{label:<34} {queries:>7} {med:>10.1f} {low:>8.1f} {p95:>8.1f}")


if __name__ == "__main__":
    asyncio.run(main())
