"""pgbouncer in transaction mode in front of the test PostgreSQL, as a city would deploy it: Debian's
pgbouncer (installed by .ci/run) started on a free port with a configuration of its own."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from s3_server import free_port

CONFIG = """[databases]
* = host={host} port={port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {listen}
unix_socket_dir =
auth_type = trust
auth_file = {folder}/userlist.txt
pool_mode = transaction
max_client_conn = 500
default_pool_size = 20
logfile = {folder}/pgbouncer.log
pidfile = {folder}/pgbouncer.pid
"""


def binary() -> str | None:
    return shutil.which("pgbouncer") or ("/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None)


@contextmanager
def pgbouncer(postgres_url: str) -> Iterator[str]:
    """Yields `postgres_url` rewritten to go through a pgbouncer started for the caller."""
    program = binary()
    if program is None:
        raise RuntimeError("pgbouncer is not installed (.ci/run installs Debian's)")
    target = urlparse(postgres_url)
    listen = free_port()
    folder = Path(tempfile.mkdtemp(prefix="townsquare-pgbouncer-"))
    user = target.username or "postgres"
    (folder / "userlist.txt").write_text(f'"{user}" ""\n')
    (folder / "pgbouncer.ini").write_text(CONFIG.format(host=target.hostname or "127.0.0.1", port=target.port or 5432,
                                                       listen=listen, folder=folder))
    command = [program, str(folder / "pgbouncer.ini")]
    if os.geteuid() == 0:  # pgbouncer refuses to run as root
        shutil.chown(folder, "postgres")
        for file in folder.iterdir():
            shutil.chown(file, "postgres")
        command = [program, "-u", "postgres", str(folder / "pgbouncer.ini")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            if process.poll() is not None:
                raise RuntimeError(f"pgbouncer stopped: {process.stderr.read().decode() if process.stderr else ''}")
            try:
                import socket

                with socket.create_connection(("127.0.0.1", listen), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        yield urlunparse(target._replace(netloc=f"{user}@127.0.0.1:{listen}"))
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
