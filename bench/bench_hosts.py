"""Casting throughput with more web processes (issue 22): the load of bench/load_cast.py (voters cast
with access codes over HTTP, the way a browser without JavaScript does, while readers fetch
/proposals and /healthz), against one simulated host (`townsquare serve --workers 2`: 2 web
processes) and against two (two such servers on two ports, each with its own var directory: 4 web
processes), sharing one PostgreSQL and, with --redis, one Redis. Voting clients are spread over the
hosts round-robin, as a load balancer would. Each run gets a fresh database; runs alternate between
the two set-ups so that the machine's varying load falls on both alike.

    .venv/bin/python bench/bench_hosts.py [--ballots 2000] [--concurrency 20] [--rounds 2] [--redis URL]

Prints one table row per run (with the load average) and the integrity checks of each run; exits 1
if a check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from load_cast import (  # noqa: E402
    TOWNSQUARE,
    Server,
    Stats,
    check_database,
    create_pg_database,
    drop_pg_database,
    free_port,
    percentile,
    reader,
    set_up_data,
    voter,
)

SECRET = secrets.token_urlsafe(48)


async def one_run(hosts: int, args: argparse.Namespace) -> tuple[dict[str, object], bool]:
    tmp = Path(tempfile.mkdtemp(prefix="townsquare-hosts-"))
    secret = SECRET  # one key for every run: this process seals the set-up's ballot keys with it once
    pg_name, database_url = await create_pg_database(args.pg)
    base_env = {**os.environ, "SECRET_KEY": secret, "DATABASE_URL": database_url}
    if args.redis:
        base_env["REDIS_URL"] = args.redis
    os.environ.update({"SECRET_KEY": secret, "DATABASE_URL": database_url, "TOWNSQUARE_VAR_DIR": str(tmp / "setup")})
    servers = [Server({**base_env, "TOWNSQUARE_VAR_DIR": str(tmp / f"host-{i}")}, free_port(), tmp / f"host-{i}.log")
               for i in range(hosts)]
    try:
        migrate = await asyncio.create_subprocess_exec(TOWNSQUARE, "migrate", env=base_env, stdout=subprocess.DEVNULL)
        if await migrate.wait() != 0:
            raise RuntimeError("townsquare migrate failed")
        options = await set_up_data(database_url, args.ballots, 3)
        for server in servers:
            server.start()
        for server in servers:
            await server.wait_ready()
        stats = Stats()
        queue: asyncio.Queue[str] = asyncio.Queue()
        for code in options["codes"]:  # type: ignore[attr-defined]
            queue.put_nowait(code)
        done, progress = asyncio.Event(), asyncio.Event()
        load_before = os.getloadavg()[0]
        readers = [asyncio.create_task(reader(s.base, path, key, stats, done, False))
                   for s in servers for path, key in (("/proposals", "proposals"), ("/healthz", "healthz"))]
        started = time.perf_counter()
        voters = [asyncio.create_task(voter(servers[i % hosts].base, queue, options, stats, False, progress,
                                            len(options["codes"])))  # type: ignore[arg-type]
                  for i in range(args.concurrency)]
        await asyncio.gather(*voters)
        elapsed = time.perf_counter() - started
        done.set()
        await asyncio.gather(*readers, return_exceptions=True)
        load_after = os.getloadavg()[0]
        for server in servers:
            server.stop()
        checks = await check_database(database_url, options["ballot_id"], stats)  # type: ignore[arg-type]
        ok = all(passed for _, passed, _ in checks) and not stats.errors
        if not ok:
            for server in servers:
                lines = server.log.read_text(errors="replace").splitlines() if server.log.exists() else []
                print(f"\n{server.log.name}, last lines:\n" + "\n".join(lines[-40:]), file=sys.stderr)
        row = {
            "hosts": hosts, "processes": 2 * hosts, "ballots": len(stats.receipts), "seconds": elapsed,
            "per_second": len(stats.receipts) / elapsed,
            "flow_p50": percentile(stats.latency["flow"], 50) * 1000,
            "flow_p95": percentile(stats.latency["flow"], 95) * 1000,
            "load": f"{load_before:.1f} / {load_after:.1f}",
            "failed": [name for name, passed, _ in checks if not passed] + stats.errors[:3],
        }
        return row, ok
    finally:
        for server in servers:
            server.stop()
        await drop_pg_database(args.pg, pg_name)
        shutil.rmtree(tmp, ignore_errors=True)


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ballots", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default=None, help="REDIS_URL for sessions and rate limits (default: database)")
    args = parser.parse_args()
    print(f"{args.ballots} ballots per run, {args.concurrency} voting clients, 2 readers per host; "
          f"{os.cpu_count()} cores; started {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", flush=True)
    print("\n| run | hosts | web processes | ballots | wall (s) | ballots/s | flow p50 ms | flow p95 ms "
          "| load (1-min) before / after | checks |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    all_ok = True
    n = 0
    for _ in range(args.rounds):
        for hosts in (1, 2):
            n += 1
            row, ok = await one_run(hosts, args)
            all_ok &= ok
            print(f"| {n} | {row['hosts']} | {row['processes']} | {row['ballots']:,} | {row['seconds']:.1f} "
                  f"| {row['per_second']:.1f} | {row['flow_p50']:.0f} | {row['flow_p95']:.0f} | {row['load']} "
                  f"| {'pass' if ok else 'FAIL ' + str(row['failed'])} |", flush=True)
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
