"""Load and faults (issue 8): cast N ballots over HTTP against `townsquare serve --workers 2`, the way a
browser without JavaScript does, while a few clients read the proposal list and /healthz; then check
that nothing was lost, doubled or half-written. With --kill, one uvicorn worker is SIGKILLed halfway.

    .venv/bin/python bench/load_cast.py [--ballots 10000] [--concurrency 50] [--kill]   # PostgreSQL
    .venv/bin/python bench/load_cast.py --sqlite [--ballots 2000]                        # SQLite file

PostgreSQL runs use a throwaway database (townsquare_load_<random>) on --pg (default
postgresql://postgres@127.0.0.1:5432), dropped at the end. Prints tables; exits 1 if a check fails.
Traffic goes only to 127.0.0.1, and every loop is bounded by --ballots and --max-seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

CSRF_COOKIE = "townsquare_csrf"
RECEIPT_RE = re.compile(r'class="receipt-code"[^>]*><code>([0-9A-Z-]{19})</code>')
CAST_RANK_RE = re.compile(r'<form method="post" action="/ballots/\d+/cast">(.*?)</form>', re.S)
RANK_VALUE_RE = re.compile(r'name="rank" value="(\d+)"')
ALREADY_USED = 'id="ballot-recorded"'  # the "Your ballot is recorded" page
TOWNSQUARE = str(Path(sys.executable).with_name("townsquare"))


# Setup ----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def create_pg_database(base: str) -> tuple[str, str]:
    import asyncpg

    name = f"townsquare_load_{secrets.token_hex(4)}"
    conn = await asyncpg.connect(dsn=f"{base}/postgres")
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return name, f"{base}/{name}"


async def drop_pg_database(base: str, name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(dsn=f"{base}/postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def close_engine(engine: object) -> None:
    close = getattr(engine, "close_connection_pool", None)
    if close is not None and getattr(engine, "pool", None) is not None:
        await close()


async def set_up_data(database_url: str, voters: int, ranks: int) -> dict[str, object]:
    """A cycle with feasible proposals, an open ballot over them and `voters` access codes; plus
    submitted proposals so the list page has content. Through the services, as the council would."""
    from ballots import batch_service, service
    from ballots.schemas import BallotSettings, BatchSpec
    from proposals.tables import BudgetCycle, Proposal
    from server.accounts.schemas import SignUp
    from server.accounts.service import sign_up
    from server.database import bind_engine, engine_from_url
    from server.neighborhoods.tables import Neighborhood

    engine = engine_from_url(database_url)
    bind_engine(engine)
    hood = (await Neighborhood.insert(Neighborhood(name="Riverside")).returning(Neighborhood.id))[0]["id"]
    council = await sign_up(SignUp("Council Load", "council@example.org", "correct horse battery", hood, 1980),
                            role="council")
    today = dt.date.today()
    cycle = (await BudgetCycle.insert(BudgetCycle(
        name="Load 2026", ideas_open=today - dt.timedelta(days=90), deliberation_open=today - dt.timedelta(days=60),
        review_open=today - dt.timedelta(days=30), voting_open=today - dt.timedelta(days=1),
        results_open=today + dt.timedelta(days=30), delivery_open=today + dt.timedelta(days=40),
        delivery_close=today + dt.timedelta(days=400),
    )).returning(BudgetCycle.id))[0]["id"]
    rng = random.Random(8)
    candidates: list[int] = []
    for i in range(30):
        feasible = i < 8
        cost = rng.randrange(5, 60) * 1000
        rows = await Proposal.insert(Proposal(
            cycle=cycle, neighborhood=hood, author=council.id, title=f"Project {i + 1}: lighting on street {i + 1}",
            summary=f"Better lighting and safer crossings near block {i + 1}.", description="Details. " * 40,
            category="lighting", estimated_cost=cost, status="feasible" if feasible else "submitted",
            final_cost=cost if feasible else None, ballot_eligible=feasible,
        )).returning(Proposal.id)
        if feasible:
            candidates.append(rows[0]["id"])
    now = dt.datetime.now(dt.UTC)
    ballot_id = await service.create_ballot(BallotSettings(
        cycle_id=cycle, neighborhood_id=hood, title="Riverside fund (load test)", explanation="Rank up to three.",
        budget=100_000, max_ranks=ranks, min_ranks=1, age_min=None, age_max=None,
        opens_at=now - dt.timedelta(minutes=1), closes_at=now + dt.timedelta(hours=1), rule="mes",
        candidate_ids=candidates,
    ), council.id)
    codes: list[str] = []
    while len(codes) < voters:
        # Printed before voting opened: one council member issues them (ballots/batch_service.py).
        codes += (await batch_service.issue_batch(ballot_id, BatchSpec("Load test", min(
            service.MAX_CODES_PER_BATCH, voters - len(codes))), council.id, now=now - dt.timedelta(minutes=2))).codes
    await close_engine(engine)
    return {"ballot_id": ballot_id, "codes": codes, "candidates": candidates, "max_ranks": ranks}


# The server -----------------------------------------------------------------------------------------


class Server:
    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env, self.port, self.log = env, port, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        out = self.log.open("ab")
        self.proc = subprocess.Popen([TOWNSQUARE, "serve", "--workers", "2", "--port", str(self.port)],
                                     env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    async def wait_ready(self, limit: float = 120) -> None:
        deadline = time.monotonic() + limit
        async with httpx.AsyncClient(base_url=self.base) as client:
            while time.monotonic() < deadline:
                if self.proc is not None and self.proc.poll() is not None:
                    raise RuntimeError(f"server exited with {self.proc.returncode}; see {self.log}")
                try:
                    if (await client.get("/healthz", timeout=5)).status_code == 200 and len(self.workers()) >= 2:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.5)
        raise RuntimeError(f"server not ready after {limit}s; see {self.log}")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        """uvicorn's worker processes: children of the serve process started by multiprocessing spawn."""
        assert self.proc is not None
        found = []
        for task in Path(f"/proc/{self.proc.pid}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in children:
                try:
                    cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
                except OSError:
                    continue
                if b"spawn_main" in cmdline:
                    found.append(int(child))
        return sorted(found)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


# Load -----------------------------------------------------------------------------------------------


class Stats:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = {"flow": [], "cast": [], "proposals": [], "healthz": []}
        self.requests = 0
        self.errors: list[str] = []
        self.connection_errors = 0
        self.retries = 0
        self.receipts: dict[str, tuple[str, list[int]]] = {}  # code -> (receipt, ranking)
        self.lost_receipt: set[str] = set()  # codes refused as used after a connection error
        self.gave_up: list[str] = []
        self.statuses: Counter[str] = Counter()


class Unexpected(Exception):
    pass


def expect(response: httpx.Response, status: int, what: str, stats: Stats) -> httpx.Response:
    stats.requests += 1
    stats.statuses[f"{what} {response.status_code}"] += 1
    if response.status_code != status:
        raise Unexpected(f"{what}: HTTP {response.status_code} (expected {status}): {response.text[:200]!r}")
    return response


async def vote_once(client: httpx.AsyncClient, code: str, ranking: list[int], stats: Stats) -> str | None:
    """One voter's whole no-JS flow. Returns the receipt, or None when the code was refused as used."""
    client.cookies.clear()  # a fresh browser for each voter
    started = time.perf_counter()
    expect(await client.get("/vote"), 200, "GET /vote", stats)
    token = client.cookies[CSRF_COOKIE]
    r = await client.post("/vote", data={"code": code, "birth_year": "", "_csrf_token": token})
    if r.status_code == 409 and ALREADY_USED in r.text:
        stats.requests += 1
        stats.statuses["POST /vote 409 used"] += 1
        return None
    expect(r, 303, "POST /vote", stats)
    vote_url = r.headers["location"]
    if not re.fullmatch(r"/ballots/\d+/vote", vote_url):
        raise Unexpected(f"POST /vote redirected to {vote_url!r}")
    ballot_path = vote_url.rsplit("/", 1)[0]
    expect(await client.get(vote_url), 200, "GET vote page", stats)
    form = {f"rank_{i + 1}": str(pid) for i, pid in enumerate(ranking)} | {"_csrf_token": token}
    review = expect(await client.post(f"{ballot_path}/review", data=form), 200, "POST review", stats)
    cast_form = CAST_RANK_RE.search(review.text)
    if cast_form is None:
        raise Unexpected("review page has no cast form")
    ranks = RANK_VALUE_RE.findall(cast_form.group(1))
    if [int(x) for x in ranks] != ranking:
        raise Unexpected(f"review page ranks {ranks} differ from chosen {ranking}")
    cast_started = time.perf_counter()
    r = await client.post(f"{ballot_path}/cast", data={"rank": ranks, "_csrf_token": token})
    cast_done = time.perf_counter()
    if r.status_code == 409:
        stats.requests += 1
        stats.statuses["POST cast 409"] += 1
        return None
    expect(r, 200, "POST cast", stats)
    found = RECEIPT_RE.search(r.text)
    if found is None:
        raise Unexpected("receipt page without a receipt code")
    stats.latency["cast"].append(cast_done - cast_started)
    stats.latency["flow"].append(cast_done - started)
    return found.group(1)


async def voter(base: str, queue: asyncio.Queue[str], options: dict[str, object], stats: Stats,
                faults_allowed: bool, progress: asyncio.Event, half: int) -> None:
    rng = random.Random()
    candidates: list[int] = options["candidates"]  # type: ignore[assignment]
    max_ranks: int = options["max_ranks"]  # type: ignore[assignment]
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        while True:
            try:
                code = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            ranking = rng.sample(candidates, rng.randint(1, max_ranks))
            had_connection_error = False
            for attempt in range(6):
                try:
                    receipt = await vote_once(client, code, ranking, stats)
                except httpx.TransportError as exc:
                    stats.connection_errors += 1
                    if not faults_allowed:
                        stats.errors.append(f"{code}: connection error {type(exc).__name__}: {exc}")
                        break
                    had_connection_error = True
                    stats.retries += 1
                    await asyncio.sleep(0.2 * (attempt + 1))
                    # the dead worker's keep-alive connections are gone: start a new browser
                    await client.aclose()
                    client = httpx.AsyncClient(base_url=base, timeout=120)
                    continue
                except Unexpected as exc:
                    stats.errors.append(f"{code}: {exc}")
                    break
                if receipt is not None:
                    stats.receipts[code] = (receipt, ranking)
                    if len(stats.receipts) >= half:
                        progress.set()
                elif had_connection_error:
                    stats.lost_receipt.add(code)  # stored while the response was lost; checked later
                else:
                    stats.errors.append(f"{code}: refused as already used without any earlier attempt")
                break
            else:
                stats.gave_up.append(code)


async def reader(base: str, path: str, key: str, stats: Stats, done: asyncio.Event, faults_allowed: bool) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        while not done.is_set():
            started = time.perf_counter()
            try:
                r = await client.get(path)
            except httpx.TransportError as exc:
                stats.connection_errors += 1
                if not faults_allowed:
                    stats.errors.append(f"GET {path}: connection error {type(exc).__name__}")
                await client.aclose()
                client = httpx.AsyncClient(base_url=base, timeout=120)
                continue
            elapsed = time.perf_counter() - started
            try:
                expect(r, 200, f"GET {path}", stats)
            except Unexpected as exc:
                stats.errors.append(str(exc))
                continue
            stats.latency[key].append(elapsed)
            await asyncio.sleep(0.05)  # a person's pace, not a flood: the point is latency under the cast load


async def killer(server: Server, progress: asyncio.Event, log: list[str]) -> None:
    await progress.wait()
    workers = server.workers()
    victim = workers[0]
    os.kill(victim, signal.SIGKILL)
    log.append(f"SIGKILL worker pid {victim} (workers were {workers}) at {time.strftime('%H:%M:%S')}")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        now = server.workers()
        if len(now) >= 2 and victim not in now:
            log.append(f"uvicorn restarted the worker: workers now {now}")
            return
    log.append(f"no replacement worker after 60 s: workers now {server.workers()}")


async def run_load(server: Server, options: dict[str, object], args: argparse.Namespace,
                   stats: Stats) -> tuple[float, list[str]]:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for code in options["codes"]:  # type: ignore[attr-defined]
        queue.put_nowait(code)
    done, progress = asyncio.Event(), asyncio.Event()
    fault_log: list[str] = []
    readers = [asyncio.create_task(reader(server.base, "/proposals", "proposals", stats, done, args.kill))
               for _ in range(args.readers)]
    readers += [asyncio.create_task(reader(server.base, "/healthz", "healthz", stats, done, args.kill))
                for _ in range(args.readers)]
    kill_task = asyncio.create_task(killer(server, progress, fault_log)) if args.kill else None
    started = time.perf_counter()
    voters = [asyncio.create_task(voter(server.base, queue, options, stats, args.kill, progress,
                                        len(options["codes"]) // 2))  # type: ignore[arg-type]
              for _ in range(args.concurrency)]
    try:
        await asyncio.wait_for(asyncio.gather(*voters), timeout=args.max_seconds)
    except TimeoutError:
        stats.errors.append(f"load did not finish within --max-seconds {args.max_seconds}")
    elapsed = time.perf_counter() - started
    done.set()
    await asyncio.gather(*readers, return_exceptions=True)
    if kill_task is not None:
        if not progress.is_set():
            kill_task.cancel()
            fault_log.append("the kill never happened (fewer than half the ballots acknowledged)")
        else:
            await kill_task
    return elapsed, fault_log


# Checks ---------------------------------------------------------------------------------------------


async def check_database(database_url: str, ballot_id: int, stats: Stats) -> list[tuple[str, bool, str]]:
    from ballots import codes, sealing, service
    from ballots.tables import AccessCode, Ballot, Participation, SealedBallot
    from server.database import bind_engine, engine_from_url

    engine = engine_from_url(database_url)
    bind_engine(engine)
    results: list[tuple[str, bool, str]] = []
    salt = (await Ballot.select(Ballot.salt).where(Ballot.id == ballot_id).first())["salt"]
    participations = await Participation.select(Participation.access_code, Participation.account).where(
        Participation.ballot == ballot_id)
    # While voting is open every ballot is sealed: read them the way the server does, with its key.
    keys = await service.ballot_keys(ballot_id)
    open_one = sealing.unsealer(keys, ballot_id)
    cast = [{"lookup": r["lookup"], "payload": open_one(r["sealed"]), "superseded": r["superseded"]}
            for r in await SealedBallot.select(SealedBallot.lookup, SealedBallot.sealed, SealedBallot.superseded).where(
                SealedBallot.ballot == ballot_id)]
    used_code_ids = [p["access_code"] for p in participations]
    n_part, n_cast = len(participations), len(cast)
    acknowledged = len(stats.receipts)
    lost = len(stats.lost_receipt)

    results.append(("zero errors (every response as expected)", not stats.errors and not stats.gave_up,
                    f"{len(stats.errors)} errors, {len(stats.gave_up)} voters gave up"))
    results.append(("no code used twice", len(set(used_code_ids)) == n_part and None not in used_code_ids,
                    f"{n_part} participation rows, {len(set(used_code_ids))} distinct codes"))
    results.append(("Participation rows == sealed ballots (no half-written ballot)", n_part == n_cast,
                    f"{n_part} vs {n_cast}"))

    by_lookup = {r["lookup"]: r for r in cast}
    missing, wrong = 0, 0
    for receipt, ranking in stats.receipts.values():
        row = by_lookup.get(sealing.lookup_tag(keys, receipt))
        if row is None:
            missing += 1
        elif row["payload"].ranking != ranking or row["superseded"]:
            wrong += 1
    sample = random.sample(list(stats.receipts.values()), min(200, acknowledged))
    lookups_ok = 0
    for receipt, ranking in sample:
        view = await service.lookup_receipt(receipt)
        lookups_ok += view is not None and [c.proposal_id for c in view.ranking] == ranking and not view.superseded
    results.append(("every acknowledged ballot stored with its ranking", missing == 0 and wrong == 0,
                    f"{acknowledged} receipts: {missing} missing, {wrong} with another ranking"))
    results.append(("lookup_receipt finds a sample of receipts", lookups_ok == len(sample),
                    f"{lookups_ok}/{len(sample)}"))

    # Codes whose first attempt lost its response: their ballot must exist completely (it was refused
    # as used, so a Participation row exists and, by the count above, its sealed ballot too).
    code_ids = {r["code_hash"]: r["id"] for r in await AccessCode.select(AccessCode.id, AccessCode.code_hash).where(
        AccessCode.ballot == ballot_id)}
    used = set(used_code_ids)
    expected_used = {code_ids[codes.digest(salt, c)] for c in [*stats.receipts, *stats.lost_receipt]}
    results.append(("the codes used are exactly the codes acknowledged (+ lost responses)", used == expected_used,
                    f"{len(used)} used, {len(expected_used)} expected, {len(used - expected_used)} unexpected"))
    view = await service.turnout(ballot_id)
    results.append(("turnout == acknowledged ballots (+ stored ones whose receipt was lost)",
                    view.total == acknowledged + lost,
                    f"turnout {view.total}, receipts {acknowledged}, lost receipts {lost}"))
    await close_engine(engine)
    return results


# Report ---------------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def report(stats: Stats, elapsed: float, engine: str, args: argparse.Namespace, load: str) -> None:
    acknowledged = len(stats.receipts)
    print(f"\n{engine}, {args.ballots} ballots, {args.concurrency} voting clients, {args.readers}+{args.readers} "
          f"readers{', one worker SIGKILLed halfway' if args.kill else ''}; load average {load}")
    print(f"\n| measure | value |\n|---|---:|\n| wall time (s) | {elapsed:.1f} |\n"
          f"| ballots acknowledged | {acknowledged:,} |\n| ballots/s | {acknowledged / elapsed:.1f} |\n"
          f"| requests | {stats.requests:,} |\n| requests/s | {stats.requests / elapsed:.1f} |\n"
          f"| connection errors (flows retried) | {stats.connection_errors} ({stats.retries}) |\n"
          f"| stored, receipt lost with the killed worker | {len(stats.lost_receipt)} |")
    base = percentile(stats.latency["healthz"], 50)
    base95 = percentile(stats.latency["healthz"], 95)
    names = {"flow": "cast: whole flow (5 requests)", "cast": "cast: final POST", "proposals": "GET /proposals",
             "healthz": "GET /healthz (baseline)"}
    print("\n| what | n | p50 ms | p95 ms | p99 ms | p50 / baseline | p95 / baseline |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for key, label in names.items():
        values = stats.latency[key]
        p50, p95, p99 = (percentile(values, p) for p in (50, 95, 99))
        print(f"| {label} | {len(values):,} | {p50 * 1000:.0f} | {p95 * 1000:.0f} | {p99 * 1000:.0f} | "
              f"{p50 / base:.1f}x | {p95 / base95:.1f}x |")


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ballots", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--readers", type=int, default=2, help="clients for /proposals, and as many for /healthz")
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead of PostgreSQL")
    parser.add_argument("--kill", action="store_true", help="SIGKILL one worker when half the ballots are in")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--max-seconds", type=float, default=3600)
    parser.add_argument("--keep", action="store_true", help="keep the database and logs (for inspection)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="townsquare-load-"))
    env = {**os.environ, "TOWNSQUARE_VAR_DIR": str(tmp), "SECRET_KEY": secrets.token_urlsafe(48)}
    pg_name = None
    if args.sqlite:
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'load.sqlite3'}"
        engine_name = "SQLite"
    else:
        pg_name, env["DATABASE_URL"] = await create_pg_database(args.pg)
        engine_name = "PostgreSQL"
    os.environ.update({k: env[k] for k in ("TOWNSQUARE_VAR_DIR", "SECRET_KEY", "DATABASE_URL")})
    server = Server(env, free_port(), tmp / "serve.log")
    failed = True
    try:
        migrate = await asyncio.create_subprocess_exec(TOWNSQUARE, "migrate", env=env, stdout=subprocess.DEVNULL)
        if await migrate.wait() != 0:
            raise RuntimeError("townsquare migrate failed")
        t0 = time.perf_counter()
        options = await set_up_data(env["DATABASE_URL"], args.ballots, 3)
        print(f"set-up: ballot {options['ballot_id']}, {len(options['codes']):,} codes, "  # type: ignore[arg-type]
              f"{time.perf_counter() - t0:.1f} s", flush=True)
        server.start()
        await server.wait_ready()
        print(f"serving on {server.base}, workers {server.workers()}", flush=True)
        stats = Stats()
        load_before = os.getloadavg()
        elapsed, fault_log = await run_load(server, options, args, stats)
        load_after = os.getloadavg()
        load = f"{load_before[0]:.1f} before, {load_after[0]:.1f} after (1-min), {load_after[2]:.1f} (15-min)"
        for line in fault_log:
            print(line)
        if args.kill:
            # uvicorn restarts dead workers; if it did not, restart the server before checking it serves.
            try:
                await server.wait_ready(limit=30)
            except RuntimeError:
                print("server did not recover: restarting it")
                server.stop()
                server.start()
                await server.wait_ready()
            async with httpx.AsyncClient(base_url=server.base) as client:
                ok = (await client.get("/healthz")).status_code == 200
            print(f"after the kill: serving again: {ok}, workers {server.workers()}")
        server.stop()
        report(stats, elapsed, engine_name, args, load)
        checks = await check_database(env["DATABASE_URL"], options["ballot_id"], stats)  # type: ignore[arg-type]
        print("\n| check | result | detail |\n|---|---|---|")
        for name, ok, detail in checks:
            print(f"| {name} | {'pass' if ok else 'FAIL'} | {detail} |")
        print("\nstatuses: " + ", ".join(f"{k}: {v}" for k, v in sorted(stats.statuses.items())))
        for line in stats.errors[:20]:
            print("error:", line)
        failed = not all(ok for _, ok, _ in checks)
    finally:
        server.stop()
        if failed:
            log = server.log.read_text(errors="replace") if server.log.exists() else ""
            print(f"\nserver log ({server.log}), last lines:\n" + "\n".join(log.splitlines()[-30:]))
        if pg_name and not args.keep:
            await drop_pg_database(args.pg, pg_name)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
