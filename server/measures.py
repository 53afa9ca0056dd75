"""Computed indicator sources, declared by the domain that owns the data (no I/O here).

A domain whose data measures something (delivery: projects delivered on time; ballots: participation;
later concerns and assemblies) declares in its manifest
`Kind("indicator_source", name, Source(...))`. The indicators domain lists the declared sources for
council to choose from and recomputes every computed indicator from its source in a background
job, so the owners never import indicators and indicators never reads another domain's tables.

`compute()` returns every value the source can give, as `Measure`s: a period ("2026" or
"2026-03"), a neighborhood id (None for the whole city), breakdown cells (e.g. {"Age": "18-24"},
empty for the total), the value, and `people`, how many people the value is about when it is
about people (turnout, respondents): the indicators domain hides values about fewer than 5 people
with `server/small_groups.py`. Sources about things (projects, reports) leave `people` None."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

import msgspec

# The units an indicator may be measured in; a source names one of them.
UNITS = ("percent", "days", "count", "score")


class Measure(msgspec.Struct, frozen=True):
    period: str
    neighborhood_id: int | None
    value: float
    breakdown: Mapping[str, str] = msgspec.field(default_factory=dict)
    people: int | None = None


Compute = Callable[[], Awaitable[list[Measure]]]


@dataclass(frozen=True)
class Source:
    label: str  # marked with N_; translated when shown ("Projects delivered on time")
    unit: str  # one of UNITS
    lower_is_better: bool
    compute: Compute
    method: str = ""  # marked with N_: how the value is computed, shown on the indicator page
    breakdowns: tuple[str, ...] = field(default_factory=tuple)  # breakdown column names it fills


def sources() -> dict[str, Source]:
    from server.domains import registry

    return registry().kinds_of("indicator_source")
