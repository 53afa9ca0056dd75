"""Where uploaded files live, for every host: local files under `<var>/uploads` by default, or an
S3-compatible bucket (`TOWNSQUARE_STORAGE_URL=s3://bucket/prefix`, credentials and endpoint from
the usual `AWS_*` variables), through obstore. server/photos.py is the only user; domains reach it
through `photos.uploads(request, area)` and never see which one it is.

Several web processes on several hosts see the same files only with the bucket: each host's local
directory is its own."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import obstore
from obstore.exceptions import NotFoundError
from obstore.store import LocalStore, S3Store

# How long a signed link to a public photo stays valid: long enough to load the page it is on.
SIGNED_LINK_LIFETIME = dt.timedelta(minutes=5)


class Storage:
    """A folder in a store: `child(area)` is a folder inside it. Names are single path segments
    chosen by server/photos.py (random, checked against a pattern): never a person's input."""

    def __init__(self, store: Any, prefix: str = "", *, local_root: Path | None = None,
                 signed_links: bool = False) -> None:
        self.store = store
        self.prefix = prefix.strip("/")
        # The store's folder on this machine (local storage only), so that files are served
        # straight from disk (sendfile) rather than read into memory.
        self.local_root = local_root
        self.signed_links = signed_links

    def __repr__(self) -> str:
        return f"Storage({type(self.store).__name__}, {self.local_root or ''}/{self.prefix})"

    def child(self, area: str) -> Storage:
        return Storage(self.store, f"{self.prefix}/{area}".strip("/"), local_root=self.local_root,
                       signed_links=self.signed_links)

    def _key(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def local_path(self, name: str) -> Path | None:
        return self.local_root / self._key(name) if self.local_root is not None else None

    def put_new(self, name: str, data: bytes) -> None:
        """Store a new file. Names are 128 random bits, so two uploads never meet; on local files
        the write still refuses to replace one ("create"), while S3-compatible servers are not all
        able to do conditional writes."""
        obstore.put(self.store, self._key(name), data, mode="create" if self.local_root is not None else None)

    def read(self, name: str) -> bytes | None:
        try:
            return bytes(obstore.get(self.store, self._key(name)).bytes())
        except (FileNotFoundError, NotFoundError):
            return None

    async def read_async(self, name: str) -> bytes | None:
        """`read` without holding up the event loop while a bucket answers."""
        try:
            return bytes(await (await obstore.get_async(self.store, self._key(name))).bytes_async())
        except (FileNotFoundError, NotFoundError):
            return None

    def exists(self, name: str) -> bool:
        try:
            obstore.head(self.store, self._key(name))
        except (FileNotFoundError, NotFoundError):
            return False
        return True

    def delete(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError, NotFoundError):
            obstore.delete(self.store, self._key(name))

    def older_than(self, cutoff: dt.datetime) -> list[str]:
        """Names of the files directly in this folder last written before `cutoff`."""
        try:
            listing = obstore.list_with_delimiter(self.store, self.prefix or None)
        except (FileNotFoundError, NotFoundError):
            return []
        return [meta["path"].rsplit("/", 1)[-1] for meta in listing["objects"] if meta["last_modified"] < cutoff]

    def signed_link(self, name: str) -> str | None:
        """A short-lived link to the file in the bucket, when public files are served that way."""
        if not self.signed_links or self.local_root is not None:
            return None
        return obstore.sign(self.store, "GET", self._key(name), SIGNED_LINK_LIFETIME)


def local_storage(root: Path) -> Storage:
    root.mkdir(parents=True, exist_ok=True)
    return Storage(LocalStore(root), local_root=root)


def storage_from(url: str | None, var_dir: Path, *, signed_links: bool = False,
                 env: dict[str, str] | None = None) -> Storage:
    """The storage TOWNSQUARE_STORAGE_URL names: None for `<var_dir>/uploads`, else an S3 bucket
    (endpoint, region and keys from AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID and
    AWS_SECRET_ACCESS_KEY, as every S3 tool reads them)."""
    if not url:
        return local_storage(var_dir / "uploads")
    env = dict(os.environ if env is None else env)
    parsed = urlparse(url)
    endpoint = env.get("AWS_ENDPOINT_URL") or env.get("AWS_ENDPOINT") or None
    config: dict[str, Any] = {"region": env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"}
    if endpoint:
        config["endpoint"] = endpoint
    for key, name in (("access_key_id", "AWS_ACCESS_KEY_ID"), ("secret_access_key", "AWS_SECRET_ACCESS_KEY"),
                      ("session_token", "AWS_SESSION_TOKEN")):
        if env.get(name):
            config[key] = env[name]
    # A deployment's own S3-compatible server (MinIO, Garage, ...) is often reached over plain HTTP
    # inside its private network.
    client: dict[str, Any] = {"allow_http": True} if endpoint and endpoint.startswith("http://") else {}
    store = S3Store(parsed.hostname, config=config, client_options=client or None)  # type: ignore[arg-type]
    return Storage(store, parsed.path.strip("/"), signed_links=signed_links)


def storage_from_env() -> Storage:
    """What the settings would say, read straight from the environment (demo data, CLI commands)."""
    from server.settings import var_dir_from_env

    flag = (os.environ.get("TOWNSQUARE_STORAGE_SIGNED_LINKS") or "").lower() in ("1", "true", "yes", "on")
    return storage_from(os.environ.get("TOWNSQUARE_STORAGE_URL") or None, var_dir_from_env(), signed_links=flag)


def check(storage: Storage) -> str | None:
    """Why the storage cannot be used right now (for /readyz), or None."""
    if storage.local_root is not None:
        return None
    try:
        obstore.list_with_delimiter(storage.store, storage.prefix or None)
    except Exception as exc:
        return f"storage not reachable: {type(exc).__name__}"
    return None
