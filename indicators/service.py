"""Indicator use cases: council defines indicators, imports and exports Open SDG CSV, marks series
breaks; a job recomputes computed indicators from the sources the domains declare; pages and the
API read values with small groups hidden."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from indicators import opensdg, texts, trends, visibility
from indicators.schemas import Break, Detail, Indicator, IndicatorInput, Value
from indicators.tables import Indicator as IndicatorRow
from indicators.tables import IndicatorValue, SeriesBreak
from server import clock
from server.database import is_unique_violation, write_transaction
from server.measures import Measure, sources
from server.neighborhoods.tables import Neighborhood
from server.prepared import Prepared


class NotFound(Exception):
    pass


class Taken(Exception):
    """Another indicator has this slug."""


class Computed(Exception):
    """A computed indicator's values come from its source, not from files."""


class Invalid(Exception):
    def __init__(self, problems: list[opensdg.Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


async def create_indicator(data: IndicatorInput, by: int | None) -> str:
    try:
        await IndicatorRow.insert(IndicatorRow(
            slug=data.slug, name=json.dumps(data.name), description=json.dumps(data.description), unit=data.unit,
            lower_is_better=data.lower_is_better, target=data.target, target_date=data.target_date,
            by_neighborhood=data.by_neighborhood, source=data.source, source_notes=data.source_notes,
            method_notes=data.method_notes, created_by=by))
    except Exception as exc:
        if is_unique_violation(exc):
            raise Taken() from exc
        raise
    if data.source:
        await refresh(data.slug)
    return data.slug


async def update_indicator(slug: str, data: IndicatorInput) -> None:
    """Everything but the slug (addresses and downloads keep working) and the source."""
    rows = await IndicatorRow.update({
        IndicatorRow.name: json.dumps(data.name), IndicatorRow.description: json.dumps(data.description),
        IndicatorRow.unit: data.unit, IndicatorRow.lower_is_better: data.lower_is_better,
        IndicatorRow.target: data.target, IndicatorRow.target_date: data.target_date,
        IndicatorRow.by_neighborhood: data.by_neighborhood, IndicatorRow.source_notes: data.source_notes,
        IndicatorRow.method_notes: data.method_notes,
    }).where(IndicatorRow.slug == slug).returning(IndicatorRow.id)
    if not rows:
        raise NotFound()


def _indicator(row: dict[str, Any]) -> Indicator:
    name, description = texts.load(row["name"]), texts.load(row["description"])
    return Indicator(
        id=row["id"], slug=row["slug"], name=texts.pick(name), description=texts.pick(description), unit=row["unit"],
        lower_is_better=row["lower_is_better"], target=row["target"], target_date=row["target_date"],
        by_neighborhood=row["by_neighborhood"], source=row["source"], source_notes=row["source_notes"],
        method_notes=row["method_notes"], texts={"name": name, "description": description})


async def list_indicators() -> list[Indicator]:
    rows = await IndicatorRow.select().order_by(IndicatorRow.id)
    return [_indicator(r) for r in rows]


async def _row(slug: str) -> dict[str, Any]:
    row = await IndicatorRow.select().where(IndicatorRow.slug == slug).first()
    if row is None:
        raise NotFound()
    return row


async def _neighborhood_names() -> dict[int, str]:
    return {r["id"]: r["name"] for r in await Neighborhood.select(Neighborhood.id, Neighborhood.name)}


async def get_indicator(slug: str) -> Detail:
    """The indicator with every value, values about fewer than 5 people hidden."""
    indicator = _indicator(await _row(slug))
    return (await _details([indicator]))[indicator.id]


async def _details(indicators: list[Indicator]) -> dict[int, Detail]:
    ids = [i.id for i in indicators]
    if not ids:
        return {}
    names = await _neighborhood_names()
    rows = await IndicatorValue.select().where(IndicatorValue.indicator.is_in(ids))
    breaks = await SeriesBreak.select().where(SeriesBreak.indicator.is_in(ids)).order_by(SeriesBreak.period)
    out = {}
    for indicator in indicators:
        mine = [r for r in rows if r["indicator"] == indicator.id]
        hide = visibility.hidden(((r["period"], r["neighborhood"], r["breakdown"]), r["people"]) for r in mine)
        values = [
            Value(period=r["period"], neighborhood_id=r["neighborhood"], neighborhood=names.get(r["neighborhood"], "")
                  if r["neighborhood"] is not None else "", breakdown=json.loads(r["breakdown"] or "{}"),
                  value=None if key in hide else r["value"], flag=r["flag"],
                  fewer_than_5=key in hide and r["people"] is not None and 0 < r["people"] < 5)
            for r in mine for key in [(r["period"], r["neighborhood"], r["breakdown"])]
        ]
        values.sort(key=lambda v: (trends.period_start(v.period), v.neighborhood, opensdg.breakdown_key(v.breakdown)))
        out[indicator.id] = Detail(indicator, values, [
            Break(b["period"], texts.pick(texts.load(b["note"]))) for b in breaks if b["indicator"] == indicator.id])
    return out


async def details() -> list[Detail]:
    indicators = await list_indicators()
    found = await _details(indicators)
    return [found[i.id] for i in indicators]


_ALL_INDICATORS = Prepared(lambda: IndicatorRow.select().order_by(IndicatorRow.id))
# The city-wide values and every value about people: all the small-group rule needs to decide which
# city-wide totals are hidden (values not about people are never hidden, and a neighborhood's are
# not part of the headline).
_HEADLINE_VALUES = Prepared(lambda: IndicatorValue.select(
    IndicatorValue.indicator, IndicatorValue.period, IndicatorValue.neighborhood, IndicatorValue.breakdown,
    IndicatorValue.value, IndicatorValue.flag, IndicatorValue.people,
).where(IndicatorValue.people.is_not_null() | IndicatorValue.neighborhood.is_null()))
_ALL_BREAKS = Prepared(lambda: SeriesBreak.select(
    SeriesBreak.indicator, SeriesBreak.period, SeriesBreak.note).order_by(SeriesBreak.period))


async def headline_inputs() -> tuple[Any, ...]:
    """Every row `headlines` reads (three queries whatever the number of indicators), as one hashable
    value: what it computes from them may be kept under it, since any change to an indicator, a
    value or a break makes a different value."""
    indicators = await _ALL_INDICATORS()
    if not indicators:
        return ()
    return tuple(tuple(tuple(r.items()) for r in rows)
                 for rows in (indicators, await _HEADLINE_VALUES(), await _ALL_BREAKS()))


async def headlines() -> list[Detail]:
    return headlines_from(await headline_inputs())


def headlines_from(inputs: tuple[Any, ...]) -> list[Detail]:
    """Every indicator with only its city-wide totals (small groups hidden by the same rule as
    `details`, decided over all its values about people) and its breaks: what `assess` and the
    summary sentences read, for the dashboard. Parsing and sorting every neighborhood's and
    breakdown's value was most of the dashboard's time (issue 21)."""
    if not inputs:
        return []
    indicator_rows, rows, breaks = ([dict(items) for items in part] for part in inputs)
    indicators = [_indicator(r) for r in indicator_rows]
    by_indicator: dict[int, list[dict[str, Any]]] = {i.id: [] for i in indicators}
    for r in rows:
        if (mine := by_indicator.get(r["indicator"])) is not None:
            mine.append(r)
    out = []
    for indicator in indicators:
        mine = by_indicator[indicator.id]
        hide = visibility.hidden(((r["period"], r["neighborhood"], r["breakdown"]), r["people"]) for r in mine)
        values = [Value(period=r["period"], neighborhood_id=None, neighborhood="", breakdown={},
                        value=None if key in hide else r["value"], flag=r["flag"],
                        fewer_than_5=key in hide and r["people"] is not None and 0 < r["people"] < 5)
                  for r in mine if r["neighborhood"] is None and (r["breakdown"] == visibility.TOTAL
                                                                  or not json.loads(r["breakdown"] or "{}"))
                  for key in [(r["period"], None, r["breakdown"])]]
        values.sort(key=lambda v: trends.period_start(v.period))
        out.append(Detail(indicator, values, [
            Break(b["period"], texts.pick(texts.load(b["note"]))) for b in breaks if b["indicator"] == indicator.id]))
    return out


def totals(detail: Detail, neighborhood_id: int | None = None) -> list[trends.Point]:
    """The series of one place (the whole city by default), without breakdowns or hidden values."""
    return [trends.Point(v.period, v.value) for v in detail.values
            if v.neighborhood_id == neighborhood_id and not v.breakdown and v.value is not None]


def assess(detail: Detail, neighborhood_id: int | None = None) -> trends.Assessment:
    i = detail.indicator
    return trends.assess(totals(detail, neighborhood_id), lower_is_better=i.lower_is_better, target=i.target,
                         target_date=i.target_date, breaks=[b.period for b in detail.breaks], today=clock.today())


async def neighborhood_ids() -> set[int]:
    return set(await _neighborhood_names())


async def import_csv(slug: str, text: str) -> int:
    """Check every row; with any problem raise Invalid with all of them and change nothing. Else
    each row's value replaces the stored one for its period, place and breakdown. Returns the count."""
    row = await _row(slug)
    if row["source"]:
        raise Computed()
    rows, problems = opensdg.parse(text, unit=row["unit"], neighborhoods=await neighborhood_ids())
    if problems:
        raise Invalid(problems)
    async with write_transaction():
        await _replace(row["id"], ((r.period, r.neighborhood_id, opensdg.breakdown_key(r.breakdown), r.value, r.flag,
                                    None) for r in rows), only_matching=True)
    return len(rows)


async def _replace(indicator_id: int, rows: Iterable[tuple[str, int | None, str, float, str, int | None]],
                   *, only_matching: bool) -> None:
    """Write values in the caller's transaction: over the same keys (an import), or instead of all."""
    rows = list(rows)
    if only_matching:
        for period, hood, breakdown, *_ in rows:
            where = ((IndicatorValue.indicator == indicator_id) & (IndicatorValue.period == period)
                     & (IndicatorValue.breakdown == breakdown))
            where &= IndicatorValue.neighborhood.is_null() if hood is None else IndicatorValue.neighborhood == hood
            await IndicatorValue.delete().where(where)
    else:
        await IndicatorValue.delete().where(IndicatorValue.indicator == indicator_id)
    for start in range(0, len(rows), 500):
        await IndicatorValue.insert(*(IndicatorValue(
            indicator=indicator_id, period=p, neighborhood=h, breakdown=b, value=v, flag=f, people=n)
            for p, h, b, v, f, n in rows[start:start + 500]))


async def export_rows(slug: str) -> tuple[Indicator, list[opensdg.Row]]:
    """The values as Open SDG rows; hidden (small-group) values are left out."""
    detail = await get_indicator(slug)
    return detail.indicator, [opensdg.Row(v.period, v.neighborhood_id, v.breakdown, v.value, v.flag)
                              for v in detail.values if v.value is not None]


async def add_break(slug: str, period: str, note: dict[str, str]) -> None:
    row = await _row(slug)
    async with write_transaction():
        await SeriesBreak.delete().where((SeriesBreak.indicator == row["id"]) & (SeriesBreak.period == period))
        await SeriesBreak.insert(SeriesBreak(indicator=row["id"], period=period, note=json.dumps(note)))


def _measure_row(m: Measure) -> tuple[str, int | None, str, float, str, int | None]:
    return (m.period, m.neighborhood_id, opensdg.breakdown_key(m.breakdown), float(m.value), "", m.people)


async def refresh(slug: str | None = None) -> int:
    """Recompute computed indicators (one, or all) from their declared sources; each indicator's
    values are replaced in one transaction. Returns how many indicators were recomputed."""
    declared = sources()
    query = IndicatorRow.select(IndicatorRow.id, IndicatorRow.source).where(IndicatorRow.source != "")
    if slug is not None:
        query = query.where(IndicatorRow.slug == slug)
    done = 0
    for row in await query:
        source = declared.get(row["source"])
        if source is None:
            continue  # a source whose domain is gone: keep the last values
        measures = await source.compute()
        async with write_transaction():
            await _replace(row["id"], (_measure_row(m) for m in measures), only_matching=False)
        done += 1
    return done


async def refresh_job() -> None:
    await refresh()
