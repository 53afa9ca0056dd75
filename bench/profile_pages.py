"""Server CPU per request, in-process, for the pages and the casting flow of bench/bench_http.py
(issue 21): the real app on a PostgreSQL (or SQLite) database with the demo data, driven through
plain ASGI calls (no HTTP client, no sockets), timing this process's CPU (`time.process_time`,
not wall time: the machine is shared, and the database server's own CPU is not the app's).
With `--profile PAGE` it prints a cProfile of that page (or `cast`) over the same requests.

    .venv/bin/python bench/profile_pages.py [--requests 200] [--ballots 300]
    .venv/bin/python bench/profile_pages.py --profile /drafts/1 [--sort tottime] [--lines 40]
    .venv/bin/python bench/profile_pages.py --sqlite             # a SQLite file instead
    .venv/bin/python bench/profile_pages.py --keep               # keep the database; prints its URL
    DATABASE_URL=... .venv/bin/python bench/profile_pages.py --reuse   # a database made by --keep

Each page is requested once to warm caches (templates, prepared statements, the open-ballot cache),
then `--requests` times; the table gives CPU ms per request, best of `--rounds` rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT)]

from bench.bench_http import CPU_TARGET, DEMO_EMAIL, DEMO_PASSWORD, PAGES, SIGNED_IN_PAGES  # noqa: E402
from bench.load_cast import create_pg_database, drop_pg_database  # noqa: E402

CAST_RANK_RE = re.compile(r'<form method="post" action="/ballots/\d+/cast">(.*?)</form>', re.S)
RANK_VALUE_RE = re.compile(r'name="rank" value="(\d+)"')


class Client:
    """One browser: a cookie jar and plain ASGI calls into the app."""

    def __init__(self, app: object) -> None:
        self.app = app
        self.cookies: dict[str, str] = {}

    async def request(self, method: str, path: str, form: list[tuple[str, str]] | None = None
                      ) -> tuple[int, dict[str, str], bytes]:
        body = urlencode(form or []).encode()
        headers = [(b"host", b"bench")]
        if self.cookies:
            headers.append((b"cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()).encode()))
        if method == "POST":
            headers += [(b"content-type", b"application/x-www-form-urlencoded"),
                        (b"content-length", str(len(body)).encode())]
        path, _, query = path.partition("?")
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
                 "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query.encode(),
                 "root_path": "", "headers": headers, "client": ("127.0.0.1", 40000), "server": ("bench", 80)}
        sent = False
        status = 0
        out_headers: dict[str, str] = {}
        chunks: list[bytes] = []

        async def receive() -> dict[str, object]:
            nonlocal sent
            if sent:
                await asyncio.sleep(3600)
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, object]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]  # type: ignore[assignment]
                for name, value in message["headers"]:  # type: ignore[attr-defined]
                    name, value = name.decode("latin-1").lower(), value.decode("latin-1")
                    if name == "set-cookie":
                        key, _, rest = value.partition("=")
                        if "max-age=0" in value.lower() or "expires=thu, 01 jan 1970" in value.lower():
                            self.cookies.pop(key, None)
                        else:
                            self.cookies[key] = rest.split(";")[0]
                    else:
                        out_headers[name] = value
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))  # type: ignore[arg-type]

        await self.app(scope, receive, send)  # type: ignore[operator]
        return status, out_headers, b"".join(chunks)


async def code_flow(client: Client, code: str, ranking: list[int]) -> None:
    """The no-JavaScript flow of bench_http.py's voters: five requests."""
    client.cookies.clear()
    await client.request("GET", "/vote")
    token = client.cookies["townsquare_csrf"]
    status, headers, text = await client.request("POST", "/vote", [("code", code), ("birth_year", ""),
                                                                   ("_csrf_token", token)])
    assert status == 303, text[:300]
    vote_url = headers["location"]
    base = vote_url.rsplit("/", 1)[0]
    await client.request("GET", vote_url)
    form = [(f"rank_{i + 1}", str(pid)) for i, pid in enumerate(ranking)] + [("_csrf_token", token)]
    _, _, review = await client.request("POST", f"{base}/review", form)
    ranks = RANK_VALUE_RE.findall(CAST_RANK_RE.search(review.decode()).group(1))  # type: ignore[union-attr]
    status, _, text = await client.request("POST", f"{base}/cast", [("rank", r) for r in ranks]
                                           + [("_csrf_token", token)])
    assert status == 200 and b"receipt-code" in text, text[:300]


async def measure(args: argparse.Namespace, options: dict[str, object]) -> None:
    import server.database as database
    from server.app import create_app
    from server.settings import load_settings

    settings = load_settings()
    engine = database.engine_from_url(settings.database_url)
    if not database.is_sqlite(engine):
        await database.start_postgres_pool(engine, min_size=1, max_size=4)
    app = create_app(settings, engine=engine, run_jobs=False)
    anonymous = Client(app)
    signed_in = Client(app)
    await signed_in.request("GET", "/signin")
    status, _, _ = await signed_in.request("POST", "/signin", [
        ("email", DEMO_EMAIL), ("password", DEMO_PASSWORD), ("_csrf_token", signed_in.cookies["townsquare_csrf"])])
    assert status == 303, status
    codes: list[str] = options["codes"]  # type: ignore[assignment]  # used ones are taken off
    ranking: list[int] = list(options["candidates"])[:2]  # type: ignore[call-overload]
    voter = Client(app)

    async def page(client: Client, path: str) -> None:
        status, _, text = await client.request("GET", path)
        assert status == 200, (path, status, text[:300])

    actions = [(path, lambda p=path: page(anonymous, p)) for path in ["/healthz", *PAGES]]
    actions += [(f"{path} (signed in)", lambda p=path: page(signed_in, p)) for path in SIGNED_IN_PAGES]
    actions.append(("cast flow (5 requests)", lambda: code_flow(voter, codes.pop(), ranking)))
    if args.profile:
        wanted = "cast flow (5 requests)" if args.profile == "cast" else args.profile
        actions = [(label, action) for label, action in actions if label == wanted]
        if not actions:
            raise SystemExit(f"no such page: {args.profile}")
    rows = []
    for label, action in actions:
        casting = label.startswith("cast")
        count = min(args.requests, len(codes) // (args.rounds + 1)) if casting else args.requests
        if count == 0:
            print(f"{label}: no access codes left (make a new database, or more --ballots)", file=sys.stderr)
            continue
        await action()
        best = float("inf")
        profiler = cProfile.Profile(time.process_time) if args.profile and not args.sampler else None
        sampler = None
        if args.profile and args.sampler:
            from pyinstrument import Profiler  # optional: pip install pyinstrument

            sampler = Profiler(interval=0.0002, async_mode="disabled")
        for _ in range(1 if args.profile else args.rounds):
            if profiler:
                profiler.enable()
            if sampler:
                sampler.start()
            started = time.process_time()
            for _ in range(count):
                await action()
            best = min(best, (time.process_time() - started) * 1000 / count)
            if profiler:
                profiler.disable()
            if sampler:
                sampler.stop()
        rows.append((label, best, count))
        if sampler:
            print(sampler.output_text(unicode=False, color=False, show_all=False, short_mode=False))
        if profiler:
            stats = pstats.Stats(profiler)
            if os.environ.get("PROFILE_DUMP"):
                stats.dump_stats(os.environ["PROFILE_DUMP"])
            stats.sort_stats(args.sort).print_stats(args.lines)
            print_by_package(stats)
    if not database.is_sqlite(engine):
        await engine.close_connection_pool()
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])  # noqa: ASYNC240 (after measuring)
    print(f"\nIn-process server CPU per request ({'SQLite' if args.sqlite else 'PostgreSQL'}), best of "
          f"{1 if args.profile else args.rounds}; load average {load}\n")
    print("| what | requests | CPU ms/req | target |\n|---|---:|---:|---|")
    for label, best, count in rows:
        key = label.replace(" (signed in)", "")
        target = "<= 4 ms" if "signed in" in label else (f"<= {CPU_TARGET[key]} ms" if key in CPU_TARGET else "")
        print(f"| {label} | {count} | {best:.2f} | {target} |")


def _package(filename: str) -> str:
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0]
    if filename.startswith(str(ROOT)):
        relative = filename[len(str(ROOT)) + 1:]
        return "templates" if relative.startswith("templates/") else relative.split("/", 1)[0] + " (ours)"
    return "python" if filename.startswith(("/", "<frozen")) else "builtins"


def print_by_package(stats: pstats.Stats) -> None:
    """Own time (tottime) summed per package: where the CPU goes, whoever calls it."""
    totals: dict[str, float] = {}
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        totals[_package(filename)] = totals.get(_package(filename), 0.0) + tottime
    whole = sum(totals.values()) or 1.0
    print("own time by package:")
    for name, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"  {name:30} {seconds:8.3f} s {100 * seconds / whole:5.1f}%")


def run_python(env: dict[str, str], args: list[str]) -> str:
    out = subprocess.run([sys.executable, *args], env={**env, "PYTHONPATH": str(ROOT)}, cwd=ROOT,
                         stdout=subprocess.PIPE, text=True, check=True, timeout=900)
    return out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200, help="requests per page per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--ballots", type=int, default=400, help="access codes made for the casting flow")
    parser.add_argument("--profile", help="print a cProfile of this page (a path, or `cast`)")
    parser.add_argument("--sampler", action="store_true", help="profile with pyinstrument (sampling, less "
                        "distortion than cProfile; not a project dependency: pip install pyinstrument)")
    parser.add_argument("--sort", default="cumulative", help="cProfile sort key (cumulative, tottime, ...)")
    parser.add_argument("--lines", type=int, default=60)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database (and its set-up) for --reuse")
    parser.add_argument("--reuse", action="store_true", help="DATABASE_URL and bench-options.json from --keep")
    parser.add_argument("--root", type=Path, help="import the app from this tree instead (an older checkout)")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    pg_name = None
    tmp = Path(os.environ["TOWNSQUARE_VAR_DIR"]) if args.reuse else Path(tempfile.mkdtemp(prefix="townsquare-prof-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TOWNSQUARE_", "REDIS_URL"))}
    if not args.reuse:
        env.pop("DATABASE_URL", None)
        env.update(TOWNSQUARE_VAR_DIR=str(tmp), SECRET_KEY=secrets.token_urlsafe(48))
        if args.sqlite:
            env["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
        else:
            pg_name, env["DATABASE_URL"] = asyncio.run(create_pg_database(args.pg))
    else:
        env["TOWNSQUARE_VAR_DIR"] = str(tmp)
    try:
        if args.reuse:
            options = json.loads((tmp / "bench-options.json").read_text())
        else:
            run_python(env, ["-m", "server.cli", "migrate"])
            run_python(env, ["-m", "server.cli", "demo"])
            options = json.loads(run_python(env, [str(BENCH / "http_helper.py"), "setup-cast", str(args.ballots)]))
            (tmp / "bench-options.json").write_text(json.dumps(options))
        os.environ.clear()
        os.environ.update(env)
        if args.root:
            sys.path.insert(0, str(args.root.resolve()))
        try:
            # The event loop `serve` runs on (uvicorn picks uvloop when it is installed), so the time
            # spent waiting on the database's sockets is what the server spends.
            try:
                import uvloop
            except ImportError:
                asyncio.run(measure(args, options))
            else:
                uvloop.run(measure(args, options))
        finally:  # codes used are gone: keep only those left for --reuse
            (tmp / "bench-options.json").write_text(json.dumps(options))
    finally:
        if args.keep and not args.reuse:
            print(f"\nkept: DATABASE_URL={env['DATABASE_URL']} SECRET_KEY={env['SECRET_KEY']} "
                  f"TOWNSQUARE_VAR_DIR={tmp}")
        elif not args.reuse:
            if pg_name:
                asyncio.run(drop_pg_database(args.pg, pg_name))
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
