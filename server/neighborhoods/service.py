"""Neighborhoods: councils create, rename and retire them; residents pick one at sign-up."""

from __future__ import annotations

import datetime as dt

import msgspec
from piccolo.query import WhereRaw

from server.accounts.tables import Account
from server.database import write_transaction
from server.neighborhoods.schemas import NeighborhoodView
from server.neighborhoods.tables import Neighborhood
from server.prepared import Prepared


class NameTaken(Exception):
    pass


# Prepared (server/prepared.py): the home page, sign-up and account pages ask for these (issue 21).
_ACTIVE = Prepared(lambda: Neighborhood.select(Neighborhood.id, Neighborhood.name, Neighborhood.retired_at).where(
    Neighborhood.retired_at.is_null()
).order_by(Neighborhood.name))
_ONE = Prepared(lambda neighborhood_id: Neighborhood.select(
    Neighborhood.id, Neighborhood.name, Neighborhood.retired_at).where(Neighborhood.id == neighborhood_id).first())
_ALL = Prepared(lambda: Neighborhood.select(Neighborhood.id, Neighborhood.name, Neighborhood.retired_at).order_by(
    Neighborhood.name
))


async def active_neighborhoods() -> list[NeighborhoodView]:
    return msgspec.convert(await _ACTIVE(), list[NeighborhoodView])


async def all_neighborhoods(count_residents: bool = True) -> list[NeighborhoodView]:
    """Every neighborhood, retired ones too; with `count_residents`, how many accounts each has (one
    grouped query over every account: the council's page needs it, a list's filter does not)."""
    rows = await _ALL()
    if not count_residents:
        return [NeighborhoodView(**r) for r in rows]
    counts = await Account.raw("SELECT neighborhood, COUNT(*) AS n FROM account GROUP BY neighborhood")
    by_hood = {r["neighborhood"]: r["n"] for r in counts}
    return [NeighborhoodView(**r, residents=by_hood.get(r["id"], 0)) for r in rows]


async def get_neighborhood(neighborhood_id: int) -> NeighborhoodView | None:
    row = await _ONE(neighborhood_id)
    return msgspec.convert(row, NeighborhoodView) if row else None


async def _name_taken(name: str, except_id: int | None = None) -> bool:
    # lower() on both sides rather than ILIKE: SQLite has no ILIKE, and LIKE would treat % and _ in a
    # typed name as wildcards.
    same_name = WhereRaw("lower(name) = lower({})", name)
    if except_id is not None:
        return await Neighborhood.exists().where(same_name, Neighborhood.id != except_id)
    return await Neighborhood.exists().where(same_name)


async def create_neighborhood(name: str) -> NeighborhoodView:
    async with write_transaction():
        if await _name_taken(name):
            raise NameTaken(name)
        rows = await Neighborhood.insert(Neighborhood(name=name)).returning(Neighborhood.id)
    view = await get_neighborhood(rows[0]["id"])
    assert view is not None
    return view


async def rename_neighborhood(neighborhood_id: int, name: str) -> None:
    async with write_transaction():
        if await _name_taken(name, except_id=neighborhood_id):
            raise NameTaken(name)
        await Neighborhood.update({Neighborhood.name: name}).where(Neighborhood.id == neighborhood_id)


async def set_retired(neighborhood_id: int, retired: bool) -> None:
    """Retired neighborhoods keep their residents and history but are not offered at sign-up."""
    await Neighborhood.update(
        {Neighborhood.retired_at: dt.datetime.now(dt.UTC) if retired else None}
    ).where(Neighborhood.id == neighborhood_id)
