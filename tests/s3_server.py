"""A real S3-compatible server for tests: moto in server mode (`moto_server`, from the dev
dependencies), on a free port, with a fresh bucket per caller."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ACCESS_KEY = "townsquare-test"
SECRET_KEY = "townsquare-test-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class S3Server:
    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    def new_bucket(self) -> str:
        name = f"townsquare-{uuid.uuid4().hex[:12]}"
        # moto accepts an unsigned bucket creation, which keeps boto3 out of the tests.
        httpx.put(f"{self.endpoint}/{name}", timeout=10).raise_for_status()
        return name

    def env(self, bucket: str, prefix: str = "uploads") -> dict[str, str]:
        """The environment a Townsquare process needs to keep its uploads in `bucket`."""
        return {"TOWNSQUARE_STORAGE_URL": f"s3://{bucket}/{prefix}", "AWS_ENDPOINT_URL": self.endpoint,
                "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY, "AWS_REGION": "us-east-1"}

    def objects(self, bucket: str) -> str:
        """The bucket's listing as S3 XML (what is really stored there, read without our code)."""
        return httpx.get(f"{self.endpoint}/{bucket}", timeout=10).text


@contextmanager
def s3_server() -> Iterator[S3Server]:
    port = free_port()
    binary = Path(sys.executable).with_name("moto_server")
    command = [str(binary)] if binary.exists() else [shutil.which("moto_server") or "moto_server"]
    process = subprocess.Popen([*command, "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                httpx.get(f"{endpoint}/moto-api/", timeout=1)
                break
            except httpx.HTTPError:
                if process.poll() is not None:
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.1)
        else:
            raise RuntimeError("moto_server did not answer within 15 s")
        yield S3Server(endpoint)
    finally:
        process.terminate()
        process.wait(timeout=10)
