"""Election-day HTTP benchmark (issue 21): in one run, a bare Litestar route and Townsquare's pages
under wrk, then the no-JavaScript casting flow with many voters, against `townsquare serve
--workers 2` on a throwaway PostgreSQL database with the demo data. Prints one table with
requests/s, latency, the server's CPU time per request (utime+stime of the worker processes from
/proc/<pid>/stat), SQL statements per request (counted in-process through the same app: every
statement Piccolo sends plus asyncpg pool resets; BEGIN/COMMIT not included) and the targets.

    apt-get install -y wrk                       # Debian's wrk 4.1
    .venv/bin/python bench/bench_http.py [--duration 10] [--connections 32] [--voters 32] [--ballots 3000]
    .venv/bin/python bench/bench_http.py --sqlite --workers 1    # what `make run` serves
    .venv/bin/python bench/bench_http.py --root /tmp/before      # measure another checkout (an older
                                                                 # commit: git archive REV | tar -x -C DIR)

Traffic goes only to 127.0.0.1; every run is bounded by --duration and --ballots. The machine is
shared: the table header carries the load averages, re-run when they are high.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
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
from pathlib import Path
from urllib.parse import urlencode

import httpx

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT)]

from bench.load_cast import create_pg_database, drop_pg_database, percentile  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGES = ["/", "/proposals", "/drafts/1", "/ballots/3/results", "/dashboard"]
SIGNED_IN_PAGES = ["/drafts/1", "/account"]
DEMO_EMAIL, DEMO_PASSWORD = "resident@demo.townsquare.example", "townsquare-demo"
# Server CPU per request (ms): the targets.
CPU_TARGET = {"/": 2, "/proposals": 2, "/drafts/1": 2, "/ballots/3/results": 2, "/dashboard": 4}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# Processes ------------------------------------------------------------------------------------------


class Served:
    """A server process group on 127.0.0.1:port; `workers()` are the processes that serve."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path, log: Path, port: int) -> None:
        self.port = port
        self.log = log
        out = log.open("ab")
        self.proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        children = []
        for task in Path(f"/proc/{self.proc.pid}/task").glob("*"):
            with contextlib.suppress(OSError):
                children += [int(c) for c in (task / "children").read_text().split()]
        spawned = [c for c in children if b"spawn_main" in _cmdline(c)]
        return spawned or [self.proc.pid]  # one worker: the serve process itself

    def wait_ready(self, path: str, workers: int, limit: float = 120) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(self.base + path, timeout=5).status_code == 200 and len(self.workers()) >= workers:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"not ready after {limit}s: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / CLK_TCK


# wrk ------------------------------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def wrk(url: str, args: argparse.Namespace, workers: list[int], headers: list[str] | None = None) -> dict[str, float]:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--timeout", "10s",
               "--latency", url]
    for header in headers or []:
        command[1:1] = ["-H", header]
    cpu_before = cpu_seconds(workers)
    out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=args.duration + 60).stdout
    cpu = cpu_seconds(workers) - cpu_before
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50": _ms(re.search(r"\s50%\s+(\S+)", out).group(1)),  # type: ignore[union-attr]
        "p99": _ms(re.search(r"\s99%\s+(\S+)", out).group(1)),  # type: ignore[union-attr]
        "cpu_ms": cpu * 1000 / max(requests, 1),
        "bad": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


# The casting flow: a small keep-alive HTTP/1.1 client, so that the load generator's own CPU (on
# the same two cores as the server) stays small next to the server's. A bare asyncio Protocol: each
# response is parsed once from the bytes received (no StreamReader, no readline per header line) and
# its body stays bytes; the requests sent are the same as before. Its CPU per ballot is reported.

class _Connection(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[tuple[bytes, bytes]] | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.waiter is not None and not self.waiter.done():
            response = self._response()
            if response is not None:
                self.waiter.set_result(response)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc or ConnectionError("connection closed"))

    def _response(self) -> tuple[bytes, bytes] | None:
        """The head and body of one whole response at the start of the buffer (then taken off it)."""
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = bytes(self.buffer[:end])
        found = CONTENT_LENGTH_RE.search(head)
        if b"\r\ntransfer-encoding: chunked" in head.lower():
            raise RuntimeError("chunked responses are not expected here")
        stop = end + 4 + (int(found.group(1)) if found else 0)
        if len(self.buffer) < stop:
            return None
        body = bytes(self.buffer[end + 4:stop])
        del self.buffer[:stop]
        return head, body

    def exchange(self, request: bytes) -> asyncio.Future[tuple[bytes, bytes]]:
        self.waiter = asyncio.get_running_loop().create_future()
        assert self.transport is not None
        self.transport.write(request)
        return self.waiter


CONTENT_LENGTH_RE = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.I)
HEADER_RE = re.compile(rb"\r\n(set-cookie|location):([^\r]*)", re.I)
# What urlencode leaves as it is: codes, tokens and numbers are, so most forms need no quoting.
_PLAIN_FORM_RE = re.compile(r"[A-Za-z0-9_.~-]*")


def _form_body(form: list[tuple[str, str]]) -> bytes:
    """urlencode(form), the same bytes, without quoting what needs none."""
    if all(_PLAIN_FORM_RE.fullmatch(k) and _PLAIN_FORM_RE.fullmatch(v) for k, v in form):
        return "&".join(f"{k}={v}" for k, v in form).encode()
    return urlencode(form).encode()


class Voter:
    def __init__(self, port: int) -> None:
        self.port = port
        self.connection: _Connection | None = None
        self.cookies: dict[str, str] = {}

    async def request(self, method: str, path: str, form: list[tuple[str, str]] | None = None
                      ) -> tuple[int, dict[str, str], bytes]:
        if self.connection is None or self.connection.closed:  # the server may close an idle one
            _, self.connection = await asyncio.get_running_loop().create_connection(
                _Connection, "127.0.0.1", self.port)
        body = _form_body(form or [])
        head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
        if self.cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if method == "POST":
            head += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        raw_head, text = await self.connection.exchange(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        # Only what the flow reads: the status, the cookies set or cleared, and where a redirect goes.
        status = int(raw_head[9:12])
        headers: dict[str, str] = {}
        for found in HEADER_RE.finditer(raw_head):
            name, value = found.group(1).lower(), found.group(2).decode("latin-1").strip()
            if name == b"location":
                headers["location"] = value
                continue
            key, _, rest = value.partition("=")
            cookie_value = rest.split(";")[0]
            if "max-age=0" in value.lower() or "expires=thu, 01 jan 1970" in value.lower():
                self.cookies.pop(key, None)
            else:
                self.cookies[key] = cookie_value
        return status, headers, text

    def close(self) -> None:
        if self.connection is not None and self.connection.transport is not None:
            self.connection.transport.close()
        self.connection = None


CAST_RANK_RE = re.compile(rb'<form method="post" action="/ballots/\d+/cast">(.*?)</form>', re.S)
RANK_VALUE_RE = re.compile(rb'name="rank" value="(\d+)"')
RECEIPT_RE = re.compile(rb'class="receipt-code"[^>]*><code>([0-9A-Z-]{19})</code>')


async def vote(voter: Voter, code: str, ranking: list[int]) -> None:
    voter.cookies.clear()
    status, _, _ = await voter.request("GET", "/vote")
    token = voter.cookies["townsquare_csrf"]
    status, headers, text = await voter.request("POST", "/vote", [("code", code), ("birth_year", ""),
                                                                  ("_csrf_token", token)])
    if status != 303:
        raise RuntimeError(f"POST /vote: {status} {text[:200]!r}")
    vote_url = headers["location"]
    base = vote_url.rsplit("/", 1)[0]
    await voter.request("GET", vote_url)
    form = [(f"rank_{i + 1}", str(pid)) for i, pid in enumerate(ranking)] + [("_csrf_token", token)]
    _, _, review = await voter.request("POST", f"{base}/review", form)
    ranks = RANK_VALUE_RE.findall(CAST_RANK_RE.search(review).group(1))  # type: ignore[union-attr]
    status, _, text = await voter.request("POST", f"{base}/cast", [("rank", r.decode()) for r in ranks]
                                          + [("_csrf_token", token)])
    if status != 200 or not RECEIPT_RE.search(text):
        raise RuntimeError(f"POST cast: {status} {text[:200]!r}")


def client_loop() -> asyncio.Runner:
    """The voters' event loop: uvloop (a dependency of the server already) where there is one, which
    spends less of the shared cores per request than asyncio's own loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.Runner()
    return asyncio.Runner(loop_factory=uvloop.new_event_loop)


async def cast_load(port: int, options: dict[str, object], voters: int, count: int) -> dict[str, float]:
    codes = list(options["codes"])[:count]  # type: ignore[call-overload]
    candidates: list[int] = options["candidates"]  # type: ignore[assignment]
    flows: list[float] = []
    errors: list[str] = []

    async def one_voter(seed: int) -> None:
        rng = random.Random(seed)
        voter = Voter(port)
        try:
            while codes:
                code = codes.pop()
                started = time.perf_counter()
                try:
                    await vote(voter, code, rng.sample(candidates, rng.randint(1, 3)))
                except Exception as exc:  # counted and shown; the run goes on
                    errors.append(f"{type(exc).__name__}: {exc}")
                    voter.close()
                    voter = Voter(port)
                    continue
                flows.append(time.perf_counter() - started)
        finally:
            voter.close()

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*[one_voter(i) for i in range(voters)])
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    if errors:
        print(f"  {len(errors)} failed flows, first: {errors[0]}", flush=True)
    return {"ballots": len(flows), "elapsed": elapsed, "per_s": len(flows) / elapsed,
            "p50": percentile(flows, 50) * 1000, "p99": percentile(flows, 99) * 1000, "errors": len(errors),
            # The load generator shares the server's cores: its own CPU per ballot, to know it is small.
            "client_cpu_ms": cpu * 1000 / max(len(flows), 1)}


# The run --------------------------------------------------------------------------------------------


def run_python(root: Path, env: dict[str, str], args: list[str], log: Path) -> str:
    """`python args` with `root` first on the import path; the last line of its output."""
    with log.open("a") as err:
        out = subprocess.run([sys.executable, *args], env={**env, "PYTHONPATH": str(root)}, cwd=root,
                             stdout=subprocess.PIPE, stderr=err, text=True, timeout=900)
    if out.returncode != 0:
        raise RuntimeError(f"{args} failed; see {log}")
    return out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=ROOT, help="the Townsquare tree to serve (default: this one)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--voters", type=int, default=32)
    parser.add_argument("--ballots", type=int, default=3000)
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file instead of PostgreSQL")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install -y wrk", file=sys.stderr)
        return 2
    root = args.root.resolve()
    tmp = Path(tempfile.mkdtemp(prefix="townsquare-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TOWNSQUARE_", "DATABASE_URL", "REDIS_URL"))}
    env.update(TOWNSQUARE_VAR_DIR=str(tmp), SECRET_KEY=secrets.token_urlsafe(48))
    pg_name = None
    if args.sqlite:
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    else:
        pg_name, env["DATABASE_URL"] = asyncio.run(create_pg_database(args.pg))
    log = tmp / "bench.log"
    servers: list[Served] = []
    rows: list[tuple[str, dict[str, float], str]] = []
    load_start = loadavg()
    try:
        run_python(root, env, ["-m", "server.cli", "migrate"], log)
        run_python(root, env, ["-m", "server.cli", "demo"], log)
        options = json.loads(run_python(root, env, [str(BENCH / "http_helper.py"), "setup-cast",
                                                    str(args.ballots + 20)], log))
        reserved = options["codes"][args.ballots:]

        # The bare route: stock uvicorn, then (when the tree has it) the server Townsquare starts.
        bare_env = {**env, "PYTHONPATH": f"{root}:{BENCH}"}
        bare_runs = [(f"bare Litestar route, uvicorn --workers {args.workers} as shipped",
                      ["-m", "uvicorn", "bare_app:app", "--workers", str(args.workers), "--log-level", "warning"])]
        if (root / "server" / "serving.py").exists():
            bare_runs.append(("bare Litestar route, Townsquare's serve (TCP socket)",
                              ["-c", "import sys; from server.serving import serve; serve('bare_app:app', "
                                     f"workers={args.workers}, port=int(sys.argv[1]), log_level='warning')"]))
        for label, argv in bare_runs:
            port = free_port()
            extra = ["--port", str(port)] if argv[0] == "-m" else [str(port)]
            server = Served([sys.executable, *argv, *extra], bare_env, BENCH, log, port)
            servers.append(server)
            server.wait_ready("/", args.workers)
            rows.append((label, wrk(server.base + "/", args, server.workers()), ""))
            server.stop()

        port = free_port()
        server = Served([sys.executable, "-m", "server.cli", "serve", "--workers", str(args.workers),
                         "--port", str(port)], {**env, "PYTHONPATH": str(root)}, root, log, port)
        servers.append(server)
        server.wait_ready("/healthz", args.workers)
        workers = server.workers()
        with httpx.Client(base_url=server.base) as client:
            client.get("/signin")
            r = client.post("/signin", data={"email": DEMO_EMAIL, "password": DEMO_PASSWORD,
                                             "_csrf_token": client.cookies["townsquare_csrf"]})
            assert r.status_code == 303, r.text[:300]
            session = client.cookies["townsquare_session"]
        rows.append(("/healthz", wrk(server.base + "/healthz", args, workers), ""))
        for path in PAGES:
            rows.append((path, wrk(server.base + path, args, workers), f"<= {CPU_TARGET[path]} ms"))
        for path in SIGNED_IN_PAGES:
            rows.append((f"{path} (signed in)", wrk(server.base + path, args, workers,
                                                   [f"Cookie: townsquare_session={session}"]), "<= 4 ms"))
        cpu_before = cpu_seconds(workers)
        load_cast_start = loadavg()
        cast = client_loop().run(cast_load(port, options, args.voters, args.ballots))
        cast_cpu = (cpu_seconds(workers) - cpu_before) * 1000 / max(cast["ballots"], 1)
        server.stop()

        spec = {"paths": ["/healthz", *PAGES], "signed_in_paths": SIGNED_IN_PAGES, "email": DEMO_EMAIL,
                "password": DEMO_PASSWORD, "codes": reserved, "ranking": options["candidates"][:2]}
        sql = json.loads(run_python(root, env, [str(BENCH / "http_helper.py"), "count-sql", json.dumps(spec)], log))
    finally:
        for server in servers:
            server.stop()
        if pg_name:
            asyncio.run(drop_pg_database(args.pg, pg_name))
    load_end = loadavg()

    engine = "SQLite" if args.sqlite else "PostgreSQL"
    print(f"\n{engine}, {args.workers} worker(s), tree {root}; wrk -t{args.threads} -c{args.connections} "
          f"-d{args.duration}s --timeout 10s; load average {load_start} at start, {load_cast_start} before casting, "
          f"{load_end} at end\n")
    bare = rows[len(bare_runs) - 1][1]["rps"]
    print("| what | req/s | vs bare | p50 ms | p99 ms | server CPU ms/req | SQL/req (+resets) | CPU target | met |")
    print("|---|---:|---:|---:|---:|---:|---:|---|---|")
    for label, r, target in rows:
        key = label.replace(" (signed in)", "")
        sql_key = f"GET {key} (signed in)" if "signed in" in label else f"GET {key}"
        counted = sql.get(sql_key)
        sql_text = f"{counted['statements']:.0f} (+{counted['resets']:.0f})" if counted else ""
        met = ""
        if target:
            met = "yes" if r["cpu_ms"] <= float(target.split()[1]) else "no"
        elif label == "/healthz":
            target, met = ">= 50% of bare req/s", "yes" if r["rps"] >= 0.5 * bare else "no"
        note = f" ({r['bad']} non-2xx)" if r["bad"] else ""
        print(f"| {label}{note} | {r['rps']:,.0f} | {r['rps'] / bare:.2f} | {r['p50']:.1f} | {r['p99']:.1f} | "
              f"{r['cpu_ms']:.2f} | {sql_text} | {target} | {met} |")
    flow_sql = sql["cast flow (5 requests)"]
    print(f"\nCasting: {args.voters} voters, no-JS flow of 5 requests each, {cast['ballots']:,} ballots in "
          f"{cast['elapsed']:.1f} s ({cast['errors']} failed)\n")
    print("| measure | value | target | met |\n|---|---:|---|---|")
    print(f"| ballots/s | {cast['per_s']:.0f} | >= 300 | {'yes' if cast['per_s'] >= 300 else 'no'} |")
    print(f"| flow p50 ms | {cast['p50']:.0f} | | |")
    print(f"| flow p99 ms | {cast['p99']:.0f} | < 300 | {'yes' if cast['p99'] < 300 else 'no'} |")
    print(f"| server CPU ms per ballot (5 requests) | {cast_cpu:.1f} | | |")
    print(f"| load generator CPU ms per ballot (this process) | {cast['client_cpu_ms']:.2f} | | |")
    print(f"| SQL statements per ballot (+ pool resets) | {flow_sql['statements']:.0f} (+{flow_sql['resets']:.0f}) "
          f"| <= 10 | {'yes' if flow_sql['statements'] + flow_sql['resets'] <= 10 else 'no'} |")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
