"""The listening socket of `townsquare serve --workers N` (issue 21): accepted connections must get
TCP_NODELAY, or every keep-alive response after the first waits ~40 ms for a delayed ACK."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from server.serving import tcp_listening_socket

ROOT = Path(__file__).resolve().parents[2]


def test_accepted_connections_on_the_shared_socket_get_tcp_nodelay() -> None:
    """What every uvicorn worker does with the inherited socket: asyncio's create_server(sock=...).
    uvicorn's own `socket.socket(AF_INET)` (protocol 0) leaves TCP_NODELAY off."""

    async def nodelay_of_accepted(sock: socket.socket) -> int:
        accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            raw = writer.get_extra_info("socket")
            accepted.set_result(raw.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(on_connect, sock=sock)
        _reader, writer = await asyncio.open_connection(*sock.getsockname()[:2])
        try:
            return await asyncio.wait_for(accepted, 10)
        finally:
            writer.close()
            server.close()
            await server.wait_closed()

    ours = tcp_listening_socket("127.0.0.1", 0)
    assert ours.proto == socket.IPPROTO_TCP
    assert asyncio.run(nodelay_of_accepted(ours)) != 0

    uvicorns = socket.socket(family=socket.AF_INET)  # as uvicorn.Config.bind_socket makes it
    uvicorns.bind(("127.0.0.1", 0))
    assert asyncio.run(nodelay_of_accepted(uvicorns)) == 0  # the bug this module works around


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _keep_alive_gaps(port: int, requests: int) -> list[float]:
    """Seconds for each response after the first, all on one keep-alive connection."""
    gaps = []
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # only the server's side is in question
        stream = conn.makefile("rb")
        for i in range(requests):
            started = time.perf_counter()
            conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            length = 0
            while (line := stream.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            stream.read(length)
            if i:
                gaps.append(time.perf_counter() - started)
    return gaps


def test_serve_with_two_workers_answers_keep_alive_requests_without_the_delayed_ack_stall(tmp_path: Path) -> None:
    """A real `townsquare serve --workers 2`. With the stall, every response after the first on a
    connection waits for the client's delayed ACK, at least 40 ms on Linux, so even the fastest
    of them would take 40 ms or more; without it, the fastest takes a few milliseconds."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TOWNSQUARE_", "DATABASE_URL", "REDIS_URL"))},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "TOWNSQUARE_VAR_DIR": str(tmp_path),
        "SECRET_KEY": secrets.token_urlsafe(48),
    }
    subprocess.run([sys.executable, "-m", "server.cli", "migrate"], env=env, cwd=ROOT, check=True,
                   capture_output=True, timeout=300)
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--workers", "2", "--port", str(port)],
                               env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.2)
        gaps = _keep_alive_gaps(port, 12)
        assert min(gaps) < 0.035, f"every keep-alive response waited: {[round(g * 1000) for g in gaps]} ms"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()
        log.close()


def test_a_served_worker_leaves_its_built_app_out_of_garbage_collection(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`townsquare serve` freezes what building the app made, so full collections under load walk
    only what requests made since (BENCHMARKS.md, issue 21, fifth pass)."""
    import gc

    import server.app
    from server.serving import create_served_app

    built = {"routes": [object() for _ in range(1000)]}
    monkeypatch.setattr(server.app, "create_app", lambda: built)
    gc.unfreeze()
    try:
        assert create_served_app() is built
        assert gc.get_freeze_count() >= 1000
        assert not any(o is built["routes"] for o in gc.get_objects())  # out of every generation
    finally:
        gc.unfreeze()
