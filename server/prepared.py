"""Piccolo queries whose SQL is built once and run again with new values.

Building a query's SQL in Piccolo (joins through foreign keys, aliases, nested QueryStrings) costs
more of the server's CPU than the driver spends running it: on the home page it was about three
quarters of all the time spent in Piccolo (issue 21, cProfile in BENCHMARKS.md). Piccolo's own
`freeze()` keeps the SQL but also the values; `Prepared` keeps the SQL per engine kind and puts the
values of each call where the placeholders were:

    _CYCLE = Prepared(lambda cycle_id: BudgetCycle.select(*COLUMNS).where(BudgetCycle.id == cycle_id).first())
    row = await _CYCLE(cycle_id)

The query is built once with a marker in place of each value and compiled; a call copies that query
with the compiled SQL and the call's values, so Piccolo still reads the rows back as the query says
(output options, `first()`, nested columns). Only plain values (numbers, text, dates, booleans,
UUIDs) are put in place: anything Piccolo would treat differently when building (None becomes
`IS NULL`, a list `IN (...)`, a row its key) makes that call build the query as usual. A marker that
does not reach the compiled arguments (used in `limit()`, inlined, or transformed) is refused when
the query is first compiled, so a wrong use fails in the tests rather than querying the wrong thing.
"""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import inspect
import uuid
from collections.abc import Callable
from typing import Any

from piccolo.query.base import Query
from piccolo.query.proxy import Proxy
from piccolo.querystring import QueryString

# Values that go to the driver as they are, whatever the query: Piccolo's where clauses pass these
# through unchanged (convert_to_sql_value changes only rows, enums and JSON).
_PLAIN = frozenset({int, str, float, bool, dt.date, dt.datetime, decimal.Decimal, uuid.UUID})


class _Value:
    """Stands where the n-th value of a call will go."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index

    def __repr__(self) -> str:
        return f"<value {self.index}>"


class Prepared:
    def __init__(self, build: Callable[..., Query]) -> None:
        self._build = build
        self._arity = len(inspect.signature(build).parameters)
        self._template: Query | None = None
        # engine type -> [(sql, arguments with _Value markers, query_type, table)], one per statement
        self._compiled: dict[str, list[tuple[str, list[Any], str, Any]]] = {}

    def _compile(self) -> tuple[Query, list[tuple[str, list[Any], str, Any]]]:
        if self._template is None:
            self._template = self._build(*[_Value(i) for i in range(self._arity)])
        template = _inner(self._template)
        engine_type = template.engine_type
        if (compiled := self._compiled.get(engine_type)) is None:
            compiled = []
            seen: set[int] = set()
            for querystring in template.querystrings:
                sql, args = querystring.compile_string(engine_type=engine_type)
                seen.update(a.index for a in args if isinstance(a, _Value))
                compiled.append((sql, args, querystring.query_type, querystring.table))
            if seen != set(range(self._arity)):
                raise TypeError(f"Prepared query: values {sorted(set(range(self._arity)) - seen)} do not reach "
                                f"the SQL as parameters: {compiled[0][0]}")
            self._compiled[engine_type] = compiled
        return template, compiled

    async def __call__(self, *values: Any) -> Any:
        if len(values) != self._arity:
            raise TypeError(f"expected {self._arity} values, got {len(values)}")
        if any(type(value) not in _PLAIN for value in values):
            return await self._build(*values)
        _, compiled = self._compile()
        frozen = []
        for sql, args, query_type, table in compiled:
            querystring = QueryString("", query_type=query_type, table=table)
            querystring._frozen_compiled_strings = (
                sql, [values[a.index] if isinstance(a, _Value) else a for a in args])
            frozen.append(querystring)
        return await _with_querystrings(self._template, frozen).run()


def _inner(query: Any) -> Query:
    while isinstance(query, Proxy):  # first(), output(...) wrappers around the query itself
        query = query.query
    return query


def _with_querystrings(query: Any, querystrings: list[QueryString]) -> Any:
    if isinstance(query, Proxy):
        return type(query)(query=_with_querystrings(query.query, querystrings))
    copied = copy.copy(query)
    copied._frozen_querystrings = querystrings
    return copied
