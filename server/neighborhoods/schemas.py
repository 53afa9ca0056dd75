from __future__ import annotations

import datetime as dt

import msgspec


class NeighborhoodView(msgspec.Struct, frozen=True):
    id: int
    name: str
    retired_at: dt.datetime | None = None
    residents: int = 0

    @property
    def retired(self) -> bool:
        return self.retired_at is not None
