"""Close to draft result: how long from the moment a ballot with N cast ballots closes until council
sees the draft result (issue 13). It stores N ballots the way casting stores them (sealed, when the
code has `ballots.sealing`; plain rows on older code, so the same script measures before and after),
closes the ballot, then times what the background job does: `ballots.counting.service.count_ballot`.
On sealing code that decrypts the sealed ballots in memory and counts them (the draft result is
stored), then writes the ballots out (`unseal`: decrypt again, write them in random order in one
transaction, delete the sealed rows). "Close to draft result" is the job until the draft result is
stored; "whole job" includes writing the ballots out. Wall time, and CPU time of this process (the
server's own work; PostgreSQL's is in its own processes), which a busy machine disturbs less.

    .venv/bin/python bench/bench_close.py [--ballots 100000] [--runs 3]          # PostgreSQL
    .venv/bin/python bench/bench_close.py --sqlite [--ballots 100000] [--runs 3]  # SQLite file

PostgreSQL runs use a throwaway database (townsquare_close_<random>) on --pg, dropped at the end.
Prints a table: one row per run, then the best run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import io
import json
import os
import random
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

SEALING = (ROOT / "ballots" / "sealing.py").exists()
CHUNK = 2000


def rankings(n: int, candidates: list[int], k: int, seed: int = 13) -> list[list[int]]:
    """Uneven popularity, 1 to k ranks each, fixed seed."""
    rng = random.Random(seed)
    weights = [1 / (i + 1) for i in range(len(candidates))]
    out = []
    for _ in range(n):
        length = rng.randint(1, k)
        chosen: list[int] = []
        while len(chosen) < length:
            pid = rng.choices(candidates, weights)[0]
            if pid not in chosen:
                chosen.append(pid)
        out.append(chosen)
    return out


async def store_ballots(ballot_id: int, votes: list[list[int]], max_ranks: int) -> None:
    """Write the ballots as casting leaves them in the database, in bulk (casting 100,000 ballots one
    request at a time is what bench/load_cast.py measures; here only the close matters)."""
    from ballots import codes
    from ballots.tables import CastBallot

    today = dt.date.today()
    if not SEALING:
        for start in range(0, len(votes), CHUNK):
            await CastBallot.insert(*[
                CastBallot(ballot=ballot_id, ranking=json.dumps(r), origin="code", age_band="",
                           receipt_hash=secrets.token_hex(32), cast_on=today)
                for r in votes[start:start + CHUNK]
            ])
        return
    from ballots import sealing, service
    from ballots.tables import SealedBallot

    keys = await service.ballot_keys(ballot_id)
    for start in range(0, len(votes), CHUNK):
        rows = []
        for r in votes[start:start + CHUNK]:
            receipt = codes.new_receipt()
            payload = sealing.Payload(ranking=r, origin="code", age_band="", day=today.isoformat(),
                                      fingerprint=sealing.fingerprint(ballot_id, receipt),
                                      voter=sealing.voter_tag(keys, "code", secrets.randbelow(10**9)))
            rows.append(SealedBallot(ballot=ballot_id, lookup=sealing.lookup_tag(keys, receipt),
                                     sealed=sealing.seal(keys, ballot_id, payload, max_ranks)))
        await SealedBallot.insert(*rows)
    await service.add_turnout(ballot_id, "code", "", len(votes))


async def one_run(database_url: str, n: int, k: int) -> tuple[float, float, float, float]:
    """(wall, CPU of this process) from close to draft result, writing the ballots out after it,
    and the whole job."""
    from load_cast import close_engine, set_up_data

    from ballots import service
    from ballots.counting import service as counting
    from ballots.tables import Ballot
    from server.database import bind_engine, engine_from_url

    options = await set_up_data(database_url, 0, k)
    ballot_id = int(options["ballot_id"])  # type: ignore[call-overload]
    engine = engine_from_url(database_url)
    bind_engine(engine)
    if engine.engine_type != "sqlite":
        await engine.start_connection_pool(min_size=1, max_size=4)
    try:
        await store_ballots(ballot_id, rankings(n, options["candidates"], k), k)  # type: ignore[arg-type]
        await Ballot.update({Ballot.closes_at: dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)}).where(
            Ballot.id == ballot_id)
        unseal_time = [0.0, 0.0]
        if SEALING:  # time the close's unsealing inside count_ballot, as the counting job runs it
            real_unseal = service.unseal

            async def timed_unseal(*args: object, **kwargs: object) -> object:
                w0, c0 = time.perf_counter(), time.process_time()
                try:
                    return await real_unseal(*args, **kwargs)  # type: ignore[arg-type]
                finally:
                    unseal_time[0] += time.perf_counter() - w0
                    unseal_time[1] += time.process_time() - c0

            service.unseal = timed_unseal  # type: ignore[assignment]
        w0, c0 = time.perf_counter(), time.process_time()
        view = await counting.count_ballot(ballot_id)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        if SEALING:
            service.unseal = real_unseal  # type: ignore[assignment]
        assert view.status == "done" and view.ballots_counted == n, (view.status, view.ballots_counted, view.error)
        if SEALING:  # the job also wrote every ballot out
            from ballots.tables import CastBallot, SealedBallot

            assert await SealedBallot.count() == 0 and await CastBallot.count() == n
        return wall - unseal_time[0], cpu - unseal_time[1], unseal_time[0], wall
    finally:
        await close_engine(engine)


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--ranks", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()

    from load_cast import create_pg_database, drop_pg_database

    from server.database import engine_from_url, migrate

    os.environ["SECRET_KEY"] = secrets.token_urlsafe(48)
    results = []
    load_before = os.getloadavg()
    for run in range(args.runs):
        tmp = Path(tempfile.mkdtemp(prefix="townsquare-close-"))
        os.environ["TOWNSQUARE_VAR_DIR"] = str(tmp)
        pg_name = None
        if args.sqlite:
            url = f"sqlite:///{tmp / 'close.sqlite3'}"
        else:
            pg_name, url = await create_pg_database(args.pg)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                await migrate(engine_from_url(url))
            draft, draft_cpu, write_out, whole = await one_run(url, args.ballots, args.ranks)
            results.append((run + 1, draft, draft_cpu, write_out, whole))
            print(f"run {run + 1}: close to draft result {draft:.2f} s (CPU {draft_cpu:.2f} s), then writing out "
                  f"{write_out:.2f} s", flush=True)
        finally:
            if pg_name:
                await drop_pg_database(args.pg, pg_name)
            shutil.rmtree(tmp, ignore_errors=True)
    load_after = os.getloadavg()
    engine = "SQLite" if args.sqlite else "PostgreSQL"
    print(f"\n{engine}, {args.ballots:,} ballots of up to {args.ranks} ranks over 8 projects, "
          f"{'sealed (this code)' if SEALING else 'plain rows (code without sealing)'}; "
          f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after (1-min)")
    print("\n| run | close to draft result (s) | its CPU, this process (s) | then writing out (s) | whole job (s) |")
    print("|---:|---:|---:|---:|---:|")
    for run, draft, draft_cpu, write_out, whole in results:
        print(f"| {run} | {draft:.2f} | {draft_cpu:.2f} | {write_out:.2f} | {whole:.2f} |")
    best = min(results, key=lambda r: r[1])
    print(f"| best | {best[1]:.2f} | {best[2]:.2f} | {best[3]:.2f} | {best[4]:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
