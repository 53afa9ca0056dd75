"""Casting cost inside the server, without HTTP: N ballots cast one after another through
`ballots.service.cast_with_code` (what the final POST of a vote does), on a throwaway database.
A steadier number than bench/load_cast.py on a shared machine, where HTTP, templates and the load
generator compete for the same cores. Works on code before sealing too (same calls).

    .venv/bin/python bench/bench_cast.py [--ballots 500] [--sqlite]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
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


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ballots", type=int, default=500)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    from load_cast import close_engine, create_pg_database, drop_pg_database, set_up_data

    from server.database import bind_engine, engine_from_url, migrate

    os.environ["SECRET_KEY"] = secrets.token_urlsafe(48)
    tmp = Path(tempfile.mkdtemp(prefix="townsquare-cast-"))
    os.environ["TOWNSQUARE_VAR_DIR"] = str(tmp)
    pg_name = None
    if args.sqlite:
        url = f"sqlite:///{tmp / 'cast.sqlite3'}"
    else:
        pg_name, url = await create_pg_database(args.pg)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            await migrate(engine_from_url(url))
        options = await set_up_data(url, args.ballots, 3)
        from ballots import service

        engine = engine_from_url(url)
        bind_engine(engine)
        if engine.engine_type != "sqlite":
            await engine.start_connection_pool(min_size=1, max_size=4)
        ballot_id = int(options["ballot_id"])  # type: ignore[call-overload]
        candidates: list[int] = options["candidates"]  # type: ignore[assignment]
        rng = random.Random(3)
        load = os.getloadavg()[0]
        matches = [await service.find_code(code) for code in options["codes"]]  # type: ignore[union-attr]
        w0, c0 = time.perf_counter(), time.process_time()
        for match in matches:
            assert match is not None
            await service.cast_with_code(ballot_id, match.code_id, rng.sample(candidates, rng.randint(1, 3)))
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        await close_engine(engine)
        n = args.ballots
        print(f"{'SQLite' if args.sqlite else 'PostgreSQL'}, {n} ballots cast one by one through the service; "
              f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after (1-min)")
        print("\n| ballots | wall (s) | ms per ballot | CPU ms per ballot (this process) |\n|---:|---:|---:|---:|")
        print(f"| {n} | {wall:.2f} | {wall / n * 1000:.2f} | {cpu / n * 1000:.2f} |")
    finally:
        if pg_name:
            await drop_pg_database(args.pg, pg_name)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
