"""Running the ASGI server: uvicorn, with the listening socket for `--workers N` made here.

With several workers uvicorn binds one shared socket itself and passes it to each worker. It makes
that socket as `socket.socket(AF_INET)`, protocol 0, and asyncio only sets TCP_NODELAY on accepted
connections whose socket says IPPROTO_TCP. Without TCP_NODELAY, Nagle's algorithm holds back the
second small write of every response on a keep-alive connection until the client's delayed ACK
(about 40 ms on Linux): 718 requests/s instead of 13,800 on a bare route (uvicorn issue #3149,
BENCHMARKS.md). A single worker lets asyncio create the socket and is not affected.

Each worker also takes its app from `create_served_app`, which moves what building the app made out
of the garbage collector's reach (below).
"""

from __future__ import annotations

import gc
import logging
import socket
import sys
from typing import TYPE_CHECKING, Any

import uvicorn
from uvicorn.supervisors import Multiprocess

if TYPE_CHECKING:
    from litestar import Litestar

log = logging.getLogger("uvicorn.error")


def create_served_app() -> Litestar:
    """The app as `townsquare serve` runs it in each worker: built, then frozen for the collector.

    A built app is about 180,000 objects the cyclic garbage collector can see (Litestar's routes and
    signatures, Piccolo's tables, msgspec's types), all of them kept for the life of the process.
    Every full collection walked them all: 130 to 156 ms each, a dozen times a minute under load,
    which was the whole tail of the casting flow's latency (flow p99 245 ms against a p50 of 53). After
    `gc.freeze()` they sit in the permanent generation, and a full collection walks only what requests
    have made since, 3 to 25 ms (BENCHMARKS.md, issue 21). Objects made later are collected as before.
    Not in `create_app`: tests build and drop many apps in one process, and frozen objects are never
    collected."""
    from server.app import create_app

    app = create_app()
    gc.collect()
    gc.freeze()
    return app


def tcp_listening_socket(host: str, port: int) -> socket.socket:
    """A bound TCP socket that worker processes can inherit; accepted connections get TCP_NODELAY
    from asyncio because the socket's protocol is IPPROTO_TCP."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


class TCPConfig(uvicorn.Config):
    """uvicorn's Config whose shared socket (workers > 1) is a TCP socket; Unix sockets and file
    descriptors are left to uvicorn."""

    def bind_socket(self) -> socket.socket:
        if self.uds is not None or self.fd is not None:
            return super().bind_socket()
        try:
            sock = tcp_listening_socket(self.host, self.port)
        except OSError as exc:
            log.error(exc)
            sys.exit(3)  # uvicorn's STARTUP_FAILURE
        log.info("Uvicorn running on http://%s:%d (Press CTRL+C to quit)", self.host, sock.getsockname()[1])
        return sock


def serve(app: str, **options: Any) -> None:
    """What `uvicorn.run(app, **options)` does for an import string, with `TCPConfig`."""
    config = TCPConfig(app, **options)
    server = uvicorn.Server(config=config)
    try:
        if config.workers > 1:
            Multiprocess(config, sockets=[config.bind_socket()]).run()
        else:
            server.run()
    except KeyboardInterrupt:
        pass
    if config.workers == 1 and not server.started:
        sys.exit(3)
