"""A Litestar `Store` kept in the database, so that several workers share sessions without Redis.
Litestar ships memory, file and Redis stores only; the file store is per machine and the memory
store per process, and neither survives the way the rest of our data does."""

from __future__ import annotations

import datetime as dt

from litestar.stores.base import Store

from server import clock
from server.prepared import Prepared
from server.stores.tables import StoreEntry


def _expiry(expires_in: int | dt.timedelta | None) -> dt.datetime | None:
    if expires_in is None:
        return None
    if isinstance(expires_in, int):
        expires_in = dt.timedelta(seconds=expires_in)
    return clock.now() + expires_in


# Every signed-in request reads its session: the SQL is built once (server/prepared.py, issue 21).
_GET = Prepared(lambda namespace, key: StoreEntry.select(StoreEntry.value, StoreEntry.expires_at).where(
    (StoreEntry.namespace == namespace) & (StoreEntry.key == key)).first())


class DatabaseStore(Store):
    def __init__(self, namespace: str = "sessions") -> None:
        self.namespace = namespace

    def _where(self, key: str):
        return (StoreEntry.namespace == self.namespace) & (StoreEntry.key == key)

    async def set(self, key: str, value: str | bytes, expires_in: int | dt.timedelta | None = None) -> None:
        data = value.encode() if isinstance(value, str) else value
        await StoreEntry.insert(
            StoreEntry(namespace=self.namespace, key=key, value=data, expires_at=_expiry(expires_in))
        ).on_conflict(
            target=(StoreEntry.namespace, StoreEntry.key),
            action="DO UPDATE",
            values=[StoreEntry.value, StoreEntry.expires_at],
        )

    async def get(self, key: str, renew_for: int | dt.timedelta | None = None) -> bytes | None:
        row = await _GET(self.namespace, key)
        if row is None:
            return None
        if row["expires_at"] is not None and row["expires_at"] <= clock.now():
            await self.delete(key)
            return None
        if renew_for is not None and row["expires_at"] is not None:
            await StoreEntry.update({StoreEntry.expires_at: _expiry(renew_for)}).where(self._where(key))
        return bytes(row["value"])

    async def delete(self, key: str) -> None:
        await StoreEntry.delete().where(self._where(key))

    async def delete_all(self) -> None:
        await StoreEntry.delete().where(StoreEntry.namespace == self.namespace)

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        row = await StoreEntry.select(StoreEntry.expires_at).where(self._where(key)).first()
        if row is None or row["expires_at"] is None:
            return None
        return max(0, int((row["expires_at"] - clock.now()).total_seconds()))

    async def delete_expired(self) -> int:
        rows = await StoreEntry.delete().where(
            (StoreEntry.namespace == self.namespace) & (StoreEntry.expires_at <= clock.now())
        ).returning(StoreEntry.id)
        return len(rows)
