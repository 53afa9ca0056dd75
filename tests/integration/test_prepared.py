"""server/prepared.py: a query whose SQL is built once answers exactly as the same query built for
each call, on both engines, for every kind of value (and falls back where Piccolo builds differently)."""

from __future__ import annotations

import datetime as dt

import pytest
from piccolo.engine.base import Engine

from server.neighborhoods.tables import Neighborhood
from server.prepared import Prepared


def _by_name(name: str):  # type: ignore[no-untyped-def]
    return Neighborhood.select(Neighborhood.id, Neighborhood.name).where(Neighborhood.name == name).first()


def _named_in(names: list[str]):  # type: ignore[no-untyped-def]
    return Neighborhood.select(Neighborhood.name).where(Neighborhood.name.is_in(names)).order_by(Neighborhood.name)


def _retired(when: dt.datetime | None):  # type: ignore[no-untyped-def]
    return Neighborhood.select(Neighborhood.name).where(Neighborhood.retired_at == when).order_by(Neighborhood.name)


async def _hoods() -> None:
    moment = dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC)
    await Neighborhood.insert(Neighborhood(name="Riverside"), Neighborhood(name="Old Town"),
                              Neighborhood(name="Gone", retired_at=moment))


async def test_values_of_each_call_replace_the_first_ones(db: Engine) -> None:
    await _hoods()
    by_name = Prepared(_by_name)
    riverside = await by_name("Riverside")
    assert riverside == await _by_name("Riverside")
    assert riverside is not None and riverside["name"] == "Riverside"
    # The same prepared query with other values: not the first call's answer.
    assert (await by_name("Old Town"))["name"] == "Old Town"  # type: ignore[index]
    assert await by_name("Nowhere") is None  # first(): None, as Piccolo's own


async def test_lists_keep_one_statement_per_length(db: Engine) -> None:
    await _hoods()
    named_in = Prepared(_named_in)
    assert await named_in(["Riverside"]) == [{"name": "Riverside"}]
    assert await named_in(["Riverside", "Old Town"]) == [{"name": "Old Town"}, {"name": "Riverside"}]
    assert await named_in(["Gone", "Nowhere"]) == [{"name": "Gone"}]
    assert await named_in(("Old Town",)) == [{"name": "Old Town"}]


async def test_values_piccolo_builds_differently_are_built_as_usual(db: Engine) -> None:
    await _hoods()
    retired = Prepared(_retired)
    moment = dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC)
    assert await retired(moment) == [{"name": "Gone"}]
    # None is `IS NULL` in Piccolo, not `= NULL`: such a call is built for itself.
    assert await retired(None) == [{"name": "Old Town"}, {"name": "Riverside"}]
    assert await retired(moment) == [{"name": "Gone"}]
    with pytest.raises(ValueError):  # Piccolo refuses an empty list; so does the prepared query
        await Prepared(_named_in)([])


async def test_a_value_that_does_not_reach_the_sql_is_refused(db: Engine) -> None:
    await _hoods()
    # A value the query builder writes into the SQL itself, or leaves out, would keep the first call's
    # effect (or none) forever: refused when first compiled.
    ignored = Prepared(lambda name: Neighborhood.select(Neighborhood.name).where(Neighborhood.retired_at.is_null()))
    with pytest.raises(TypeError, match="do not reach the SQL"):
        await ignored("Riverside")
