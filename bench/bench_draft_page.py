"""Time the draft page for a draft with 20 sections and 2,000 comments (threads 3+ deep, stances,
votes), plus 40 amendments with comments, in a throwaway SQLite database, rendered over HTTP
through the whole app (ASGI transport, sessions, CSRF, templates). Prints a table.

    .venv/bin/python bench/bench_draft_page.py [--sections 20] [--comments 2000] [--runs 15]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


async def build(sections: int, comments: int) -> tuple[int, list[int], object]:
    from piccolo.engine.sqlite import SQLiteEngine
    from support import make_account

    from proposals.drafts import service
    from proposals.threads.tables import Comment, CommentVote
    from server import clock
    from server.database import migrate

    path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    engine = SQLiteEngine(path=str(path), timeout=30)
    await migrate(engine)
    council = await make_account("council")
    people = [await make_account() for _ in range(50)]
    draft_id = await service.create_draft(council.id, "How non-emergency calls are answered", "Benchmark draft")
    keys = [await service.add_section(council.id, draft_id, f"Section {i + 1}", "Calls are answered. " * 20)
            for i in range(sections)]
    today = clock.today()
    await service.publish_version(council.id, draft_id, "", today - dt.timedelta(days=1), today + dt.timedelta(days=9))
    rng = random.Random(7)
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=5)
    per_section = comments // sections
    next_id = 1
    for key in keys:
        rows, depth_of = [], {}
        for n in range(per_section):
            # A third top-level, the rest replies to a random earlier comment of the section.
            parent = None if n % 3 == 0 or not depth_of else rng.choice(list(depth_of))
            depth = depth_of[parent] + 1 if parent else 0
            rows.append(Comment(id=next_id, target_kind="draft_section", target_id=key, parent=parent, depth=depth,
                                author=people[rng.randrange(50)].id, body=f"Comment {next_id}: " + "words " * 30,
                                stance=rng.choice(["supports", "concerns", "neutral"]) if parent is None else "",
                                created_at=start + dt.timedelta(seconds=next_id), vote_count=0))
            depth_of[next_id] = depth
            next_id += 1
        await Comment.insert(*rows)
    votes = [CommentVote(comment=rng.randrange(1, next_id), voter=p.id) for p in people[:10]]
    await CommentVote.insert(*{(v.comment, v.voter): v for v in votes}.values())
    for i, key in enumerate(keys * 2):
        a = await service.propose_amendment(people[i % 50].id, draft_id, key, "Better wording " * 10, "Clearer")
        await Comment.insert(Comment(target_kind="amendment", target_id=a, author=people[(i + 1) % 50].id,
                                     body="On this amendment"))
    return draft_id, [p.email for p in people[:1]], engine


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sections", type=int, default=20)
    parser.add_argument("--comments", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    from support import sign_in

    from server.app import create_app
    from server.settings import load_settings

    t0 = time.perf_counter()
    draft_id, emails, engine = await build(args.sections, args.comments)
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
    rows = []
    transport = httpx.ASGITransport(app=app)
    for label, signed_in in (("signed out", False), ("signed in (resident)", True)):
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            if signed_in:
                await sign_in(client, emails[0])
            await client.get(f"/drafts/{draft_id}")  # warm up templates
            times, size = [], 0
            for _ in range(args.runs):
                counter["n"] = 0
                t = time.perf_counter()
                response = await client.get(f"/drafts/{draft_id}")
                times.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 200
                size = len(response.content)
            times.sort()
            rows.append((label, counter["n"], statistics.median(times), times[0],
                         times[min(len(times) - 1, int(len(times) * 0.95))], size))
    print(f"Draft page: {args.sections} sections, {args.comments} comments, {args.sections * 2} amendments "
          f"(built in {build_s:.1f} s), {args.runs} runs each, SQLite, ASGI transport")
    print(f"{'viewer':<22} {'queries':>7} {'median ms':>10} {'min ms':>8} {'p95 ms':>8} {'page KB':>8}")
    for label, queries, med, low, p95, size in rows:
        print(f"{label:<22} {queries:>7} {med:>10.1f} {low:>8.1f} {p95:>8.1f} {size / 1024:>8.0f}")


if __name__ == "__main__":
    asyncio.run(main())
