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
UUIDs) and non-empty lists of them are put in place (a list used in `is_in` makes one placeholder
per item, so its SQL is kept per length); anything Piccolo would treat differently when building
(None becomes `IS NULL`, an empty list is refused, a row becomes its key) makes that call build the
query as usual. A marker that
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
from piccolo.query.methods.select import First, Select
from piccolo.query.proxy import Proxy
from piccolo.querystring import QueryString

# Values that go to the driver as they are, whatever the query: Piccolo's where clauses pass these
# through unchanged (convert_to_sql_value changes only rows, enums and JSON).
_PLAIN = frozenset({int, str, float, bool, dt.date, dt.datetime, decimal.Decimal, uuid.UUID})
# A list becomes one placeholder per item (`is_in`), so its SQL is kept per length: up to this many
# lengths per query, beyond which calls build the query as usual.
_SHAPES = 32
_LONGEST = 500


class _Value:
    """Stands where the `index`-th value of a call will go (its `item`-th element, for a list)."""

    __slots__ = ("index", "item")

    def __init__(self, index: int, item: int | None = None) -> None:
        self.index = index
        self.item = item

    def __repr__(self) -> str:
        return f"<value {self.index}>" if self.item is None else f"<value {self.index}[{self.item}]>"


def _shape(values: tuple[Any, ...]) -> tuple[int | None, ...] | None:
    """None for each plain value, the length of each list of plain values; None if any value is
    something Piccolo might build differently (None, an empty list, a row, ...)."""
    shape: list[int | None] = []
    for value in values:
        if type(value) in _PLAIN:
            shape.append(None)
        elif type(value) in (list, tuple) and 0 < len(value) <= _LONGEST and all(type(v) in _PLAIN for v in value):
            shape.append(len(value))
        else:
            return None
    return tuple(shape)


class Prepared:
    def __init__(self, build: Callable[..., Query]) -> None:
        self._build = build
        self._arity = len(inspect.signature(build).parameters)
        self._templates: dict[tuple[int | None, ...], Any] = {}
        # (shape, engine type) -> [(sql, arguments with _Value markers, query_type, table)], a statement each
        self._compiled: dict[tuple[tuple[int | None, ...], str], list[tuple[str, list[Any], str, Any]]] = {}
        # template id -> "rows", "first" or None (see _direct)
        self._direct: dict[int, str | None] = {}

    def _compile(self, shape: tuple[int | None, ...]) -> tuple[Any, list[tuple[str, list[Any], str, Any]]]:
        if (template := self._templates.get(shape)) is None:
            markers = [_Value(i) if n is None else [_Value(i, j) for j in range(n)] for i, n in enumerate(shape)]
            template = self._templates[shape] = self._build(*markers)
        query = _inner(template)
        engine_type = query.engine_type
        if (compiled := self._compiled.get((shape, engine_type))) is None:
            compiled = []
            seen: set[tuple[int, int | None]] = set()
            for querystring in query.querystrings:
                sql, args = querystring.compile_string(engine_type=engine_type)
                seen.update((a.index, a.item) for a in args if isinstance(a, _Value))
                compiled.append((sql, args, querystring.query_type, querystring.table))
            wanted = {(i, j) for i, n in enumerate(shape) for j in ([None] if n is None else range(n))}
            if seen != wanted:
                raise TypeError(f"Prepared query: values {sorted(wanted - seen, key=str)} do not reach the SQL "
                                f"as parameters: {compiled[0][0]}")
            self._compiled[(shape, engine_type)] = compiled
        return template, compiled

    async def __call__(self, *values: Any) -> Any:
        if len(values) != self._arity:
            raise TypeError(f"expected {self._arity} values, got {len(values)}")
        shape = _shape(values)
        if shape is None or (shape not in self._templates and len(self._templates) >= _SHAPES):
            return await self._build(*values)
        template, compiled = self._compile(shape)
        if (direct := self._direct.get(id(template), "?")) == "?":
            direct = self._direct[id(template)] = _direct(template)
        if direct is not None and len(compiled) == 1:
            # The engine runs the statement (transactions, replica routing and logging as for any
            # query) and gives back rows as Piccolo would; Piccolo's own run path (a copy of the
            # query, its validation, output handling and callbacks, none of which apply to a plain
            # select) cost a fifth of each query's CPU, on pages of up to fifteen queries (issue 21).
            sql, args, query_type, table = compiled[0]
            querystring = QueryString("", query_type=query_type, table=table)
            querystring._frozen_compiled_strings = (sql, [
                (values[a.index] if a.item is None else values[a.index][a.item]) if isinstance(a, _Value) else a
                for a in args])
            engine = _inner(template).table._meta.db
            results = await engine.run_querystring(querystring)
            rows = engine.transform_response_to_dicts(results) if results else []
            return (rows[0] if rows else None) if direct == "first" else rows
        frozen = []
        for sql, args, query_type, table in compiled:
            querystring = QueryString("", query_type=query_type, table=table)
            querystring._frozen_compiled_strings = (sql, [
                (values[a.index] if a.item is None else values[a.index][a.item]) if isinstance(a, _Value) else a
                for a in args])
            frozen.append(querystring)
        return await _with_querystrings(template, frozen).run()


def _direct(template: Any) -> str | None:
    """"rows" for a plain select, "first" for one's first(); None for anything whose results Piccolo
    changes after the database returns them (output options, many-to-many columns, callbacks), which
    goes through Piccolo's run as usual."""
    query = _inner(template)
    if type(query) is not Select:
        return None
    output = query.output_delegate._output
    if output.as_json or output.as_list or output.as_objects or output.load_json or output.nested:
        return None
    if any(type(c).__name__ == "M2MSelect" for c in query.columns_delegate.selected_columns):
        return None
    if any(query.callback_delegate._callbacks.values()):
        return None
    if template is query:
        return "rows"
    return "first" if type(template) is First else None


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
