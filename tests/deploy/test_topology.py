"""The deployment recipe's topology (deploy/compose.yaml) run as local processes, from the same
commands and environment variables the containers use: `townsquare migrate` as a one-off job, two
web processes with separate var directories, one worker, and shared PostgreSQL (through pgbouncer
in transaction mode), Redis and S3-compatible storage (moto in server mode).

The two web processes are reached on two ports, not behind a proxy: every check here needs to send a
request to one process in particular (upload through one, read through the other), which a proxy
would hide; what the proxy adds in the compose file (spreading requests) needs nothing from the app
beyond what these checks show: any process can answer any request."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import asyncpg
import httpx
import pytest

PG_URL = os.environ.get("TOWNSQUARE_TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("TOWNSQUARE_TEST_REDIS_URL")
pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.deploy,
              pytest.mark.skipif(not (PG_URL and REDIS_URL),
                                 reason="needs the test PostgreSQL and Redis URLs (CI sets both)")]

TOWNSQUARE = str(Path(sys.executable).with_name("townsquare"))
SECRET = "topology-secret-key-long-enough-0123456789abcdef"
# Enough sealed ballots that counting them takes a few seconds: time to stop the worker mid-count.
BALLOTS = 40_000


class Topology:
    def __init__(self, tmp: Path, env: dict[str, str], direct_url: str) -> None:
        self.tmp = tmp
        self.env = env
        self.direct_url = direct_url
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.ports: dict[str, int] = {}

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([TOWNSQUARE, *args], env=self.env, capture_output=True, text=True, timeout=300)

    def start(self, name: str, *args: str, var: str) -> None:
        env = {**self.env, "TOWNSQUARE_VAR_DIR": str(self.tmp / var)}
        log = (self.tmp / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen([TOWNSQUARE, *args], env=env, stdout=log, stderr=subprocess.STDOUT)

    def start_web(self, name: str) -> str:
        from s3_server import free_port

        port = free_port()
        self.ports[name] = port
        self.start(name, "serve", "--host", "127.0.0.1", "--port", str(port), var=f"var-{name}")
        return f"http://127.0.0.1:{port}"

    def wait_ready(self, url: str, name: str) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                raise RuntimeError(f"{name} stopped:\n{self.log(name)}")
            try:
                if httpx.get(f"{url}/readyz", timeout=3).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{name} not ready in 120 s:\n{self.log(name)}")

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def kill(self, name: str, how: int = signal.SIGTERM) -> None:
        process = self.processes.pop(name)
        process.send_signal(how)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.kill(name)


def _with_database(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


@pytest.fixture
def topology(tmp_path: Path, s3) -> Iterator[Topology]:
    from pgbouncer import pgbouncer

    name = f"townsquare_topology_{uuid.uuid4().hex[:8]}"

    async def database(sql: str) -> None:
        admin = await asyncpg.connect(PG_URL)
        try:
            await admin.execute(sql)
        finally:
            await admin.close()

    asyncio.run(database(f'CREATE DATABASE "{name}"'))
    direct = _with_database(PG_URL, name)  # type: ignore[arg-type]
    try:
        with pgbouncer(direct) as pooled:
            env = {k: v for k, v in os.environ.items() if not k.startswith(("TOWNSQUARE_", "AWS_"))}
            env.update({
                "DATABASE_URL": pooled, "TOWNSQUARE_PGBOUNCER": "true", "TOWNSQUARE_DIRECT_DATABASE_URL": direct,
                "REDIS_URL": REDIS_URL, "SECRET_KEY": SECRET, "TOWNSQUARE_JOBS": "worker",
                "TOWNSQUARE_LOG_FORMAT": "json", **s3.env(s3.new_bucket()),
            })
            topology = Topology(tmp_path, env, direct)
            try:
                yield topology
            finally:
                topology.stop_all()
    finally:
        asyncio.run(database(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _bind(url: str):
    from server.database import bind_engine, engine_from_url, start_postgres_pool

    engine = engine_from_url(url)
    await start_postgres_pool(engine, min_size=1, max_size=4)  # type: ignore[arg-type]
    bind_engine(engine)
    return engine


async def _csrf(client: httpx.AsyncClient) -> str:
    if "townsquare_csrf" not in client.cookies:
        await client.get("/signin")
    return client.cookies["townsquare_csrf"]


async def _store_sealed(ballot_id: int, proposals: list[int], n: int) -> None:
    """Ballots as casting leaves them while voting is open (sealed), written in bulk."""
    import random
    import secrets

    from ballots import codes, sealing, service
    from ballots.tables import SealedBallot

    keys = await service.ballot_keys(ballot_id)
    rng = random.Random(7)
    today = dt.date.today().isoformat()
    for start in range(0, n, 2000):
        rows = []
        for _ in range(min(2000, n - start)):
            ranking = rng.sample(proposals, rng.randint(1, 3))
            receipt = codes.new_receipt()
            payload = sealing.Payload(ranking=ranking, origin="code", age_band="", day=today,
                                      fingerprint=sealing.fingerprint(ballot_id, receipt),
                                      voter=sealing.voter_tag(keys, "code", secrets.randbelow(10**9)))
            rows.append(SealedBallot(ballot=ballot_id, lookup=sealing.lookup_tag(keys, receipt),
                                     sealed=sealing.seal(keys, ballot_id, payload, 3)))
        await SealedBallot.insert(*rows)
    await service.add_turnout(ballot_id, "code", "", n)


async def _count_rows(ballot_id: int) -> list[dict]:
    from ballots.counting.tables import CountRun

    return await CountRun.select(CountRun.id, CountRun.status, CountRun.ballots_counted).where(
        CountRun.ballot == ballot_id)


async def _wait_for(condition, limit: float, what: str, context=lambda: "") -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if await condition():
            return
        await asyncio.sleep(0.25)
    raise AssertionError(f"{what}: not within {limit} s\n{context()}")


async def test_two_web_processes_one_worker_shared_everything(topology: Topology) -> None:
    from factories.ballots import make_ballot
    from factories.delivery import PNG, make_item, same_picture
    from support import PASSWORD, make_account

    from server.secret import set_secret_key

    # The one-off migration job, then the long-running processes.
    migrated = topology.run("migrate")
    assert migrated.returncode == 0, migrated.stderr
    set_secret_key(SECRET)  # this process seals ballots for the servers, with their key
    engine = await _bind(topology.direct_url)
    try:
        web_a, web_b = topology.start_web("web-a"), topology.start_web("web-b")
        topology.start("worker", "worker", var="var-worker")
        topology.wait_ready(web_a, "web-a")
        topology.wait_ready(web_b, "web-b")

        # Data made through the services, as council staff would through the pages.
        council = await make_account("council")
        item = await make_item("Brighter underpass")

        # A session started on one web process works on the other.
        async with (httpx.AsyncClient(base_url=web_a, timeout=30) as a,
                    httpx.AsyncClient(base_url=web_b, timeout=30) as b):
            signed = await a.post("/signin", data={"email": council.email, "password": PASSWORD,
                                                   "_csrf_token": await _csrf(a)})
            assert signed.status_code == 303, signed.text
            b.cookies.update(a.cookies)
            assert (await b.get("/council/delivery")).status_code == 200
            assert council.email in (await b.get("/account")).text

            # A photo uploaded through one is served by the other (the var directories differ).
            posted = await a.post(f"/council/delivery/{item}/progress",
                                  data={"status": "in_progress", "percent_complete": "20", "spent": "100",
                                        "body": "Lights are up.", "photo_alt": "New lights",
                                        "_csrf_token": await _csrf(a)},
                                  files={"photo": ("lights.png", PNG, "image/png")})
            assert posted.status_code == 303, posted.text
            page = (await b.get(f"/delivery/{item}")).text
            name = re.search(r"/delivery/photos/([A-Za-z0-9_-]{22}\.png)", page).group(1)  # type: ignore[union-attr]
            photo = await b.get(f"/delivery/photos/{name}")
            assert photo.status_code == 200 and same_picture(photo.content, PNG)
            assert not list((topology.tmp / "var-web-a").rglob(name))  # in the bucket, not on a disk

        # A closed ballot is counted exactly once, by the worker (the web processes run no jobs),
        # with a second worker started to compete for it.
        topology.start("worker-2", "worker", var="var-worker-2")
        closes = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=15)
        small = await make_ballot("Eastside", closes=closes)
        voters = [await make_account(neighborhood_id=small.hood, birth_year=1980) for _ in range(6)]
        from ballots import service

        for i, voter in enumerate(voters):
            await service.cast_online(small.ballot_id, voter.id, [small.proposals[i % 4]])

        async def counted() -> bool:
            return any(r["status"] == "done" for r in await _count_rows(small.ballot_id))

        await _wait_for(counted, 120, "the closed ballot's count")
        await asyncio.sleep(31)  # the sweep runs every 30 s in both workers: give it a round
        rows = await _count_rows(small.ballot_id)
        assert [(r["status"], r["ballots_counted"]) for r in rows] == [("done", 6)]
        topology.kill("worker-2")

        # A worker stopped mid-count (killed: no clean shutdown) finishes the count after a restart.
        big = await make_ballot("Northside", closes=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
        await _store_sealed(big.ballot_id, big.proposals, BALLOTS)
        # Counting 40,000 ballots of four projects takes well under a second here, too short to stop
        # the worker in by chance. So the count is held at a fixed point: this connection locks the
        # count table against writes, and the worker, having read and decrypted every ballot, waits
        # to record its count. It is killed there, then the lock is released.
        from ballots.counting.tables import CountRun
        from ballots.service import COUNT_AT_CLOSE
        from ballots.tables import Ballot
        from server import queue
        from server.background import enqueue
        from server.database import write_transaction

        holder = await asyncpg.connect(topology.direct_url)
        hold = holder.transaction()
        await hold.start()
        await holder.execute(f'LOCK TABLE "{CountRun._meta.tablename}" IN SHARE MODE')
        try:
            # Voting ends now (storing took a while): the closing time moves, and its count is
            # enqueued in the same transaction, as the services do.
            async with write_transaction():
                await Ballot.update({Ballot.closes_at: dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)}).where(
                    Ballot.id == big.ballot_id)
                await enqueue(COUNT_AT_CLOSE, {"ballot_id": big.ballot_id})

            async def waiting_to_record() -> bool:
                return bool(await holder.fetchval(
                    "SELECT count(*) FROM pg_locks WHERE relation = $1::regclass AND NOT granted",
                    CountRun._meta.tablename))

            await _wait_for(waiting_to_record, 120, "the worker to reach the count's first write",
                            lambda: topology.log("worker")[-3000:])
            picked = [j for j in await queue.waiting_jobs(engine, COUNT_AT_CLOSE)
                      if j["payload"] == {"ballot_id": big.ballot_id}]
            # The job this transaction enqueued is taken (the one for the old closing time still waits).
            assert sorted(j["status"] for j in picked) == ["picked", "queued"]
            topology.kill("worker", signal.SIGKILL)
        finally:
            await hold.rollback()
            await holder.close()
        assert not any(r["status"] == "done" for r in await _count_rows(big.ballot_id))
        topology.start("worker", "worker", var="var-worker")

        async def finished() -> bool:
            return any(r["status"] == "done" for r in await _count_rows(big.ballot_id))

        # The dead worker's job and count stop sending heartbeats; the job is taken again after 30 s of
        # silence (a count row left "running" after a minute), and the count finishes.
        await _wait_for(finished, 240, "the count after the worker's restart")
        done = [r for r in await _count_rows(big.ballot_id) if r["status"] == "done"]
        assert [r["ballots_counted"] for r in done] == [BALLOTS]
        # ... and what secrecy needs at close happened too: no sealed ballot is left, all are written out.
        from ballots.tables import CastBallot, SealedBallot

        async def written_out() -> bool:
            return not await SealedBallot.count().where(SealedBallot.ballot == big.ballot_id)

        await _wait_for(written_out, 120, "the sealed ballots written out")
        assert await CastBallot.count().where(CastBallot.ballot == big.ballot_id) == BALLOTS
        # Structured logs: every line the worker wrote is one JSON object.
        import json

        lines = [line for line in topology.log("worker").splitlines() if line.startswith("{")]
        assert lines and all(json.loads(line)["level"] for line in lines)
    finally:
        from server.database import close_postgres_pool

        await close_postgres_pool(engine)  # type: ignore[arg-type]
