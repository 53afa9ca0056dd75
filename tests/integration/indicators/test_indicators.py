"""Indicators on a real database: Open SDG CSV import (all or nothing) and export, series breaks,
and computed indicators equal to a hand calculation from delivery's and the ballots' own data."""

from __future__ import annotations

import datetime as dt

import pytest
from factories.ballots import make_ballot
from factories.delivery import make_item
from factories.indicators import make_indicator
from support import make_account, make_neighborhood

from ballots import service as ballots
from ballots.tables import Ballot
from delivery.tables import DeliveryItem, Milestone
from indicators import opensdg, service
from indicators.tables import IndicatorValue


async def test_an_import_with_any_error_changes_nothing(db: object) -> None:
    hood = await make_neighborhood("Riverside")
    slug = await make_indicator(unit="days")
    good = f"Year,Units,GeoCode,Value\n2025-01,days,,4\n2025-01,days,{hood},3.5\n"
    assert await service.import_csv(slug, good) == 2
    bad = f"Year,Units,GeoCode,Value\n2025-02,days,,5\n2025-02,days,{hood + 1000},6\n2025-03,hours,,2\n"
    with pytest.raises(service.Invalid) as caught:
        await service.import_csv(slug, bad)
    assert [(p.row, p.column) for p in caught.value.problems] == [(3, "GeoCode"), (4, "Units")]
    detail = await service.get_indicator(slug)
    assert [(v.period, v.neighborhood_id, v.value) for v in detail.values] == [
        ("2025-01", None, 4.0), ("2025-01", hood, 3.5)]


async def test_export_then_import_gives_identical_values(db: object) -> None:
    hood = await make_neighborhood("Hillcrest")
    slug = await make_indicator(unit="percent")
    text = ("Year,Age,Units,GeoCode,OBS_STATUS,Value\n"
            f"2024,,percent,,,61.3\n2025,,percent,,P,0.1\n2025,65+,percent,{hood},E,33.333333333333336\n"
            "2025-06,18-24,percent,,R,12\n")
    await service.import_csv(slug, text)
    before = await IndicatorValue.select(IndicatorValue.period, IndicatorValue.neighborhood,
                                         IndicatorValue.breakdown, IndicatorValue.value, IndicatorValue.flag)
    indicator, rows = await service.export_rows(slug)
    exported = opensdg.write(rows, unit=indicator.unit)
    other = await make_indicator(unit="percent")
    await service.import_csv(other, exported)
    again = await service.export_rows(other)
    assert opensdg.write(again[1], unit="percent") == exported
    after = await IndicatorValue.select(IndicatorValue.period, IndicatorValue.neighborhood, IndicatorValue.breakdown,
                                        IndicatorValue.value, IndicatorValue.flag).where(
        IndicatorValue.indicator == again[0].id)
    def key(r: dict) -> tuple:
        return (r["period"], r["neighborhood"] or 0, r["breakdown"])
    assert sorted(after, key=key) == sorted(before, key=key)


async def test_a_series_break_stops_the_comparison(db: object) -> None:
    slug = await make_indicator(unit="days", lower_is_better=True, target=2)
    rows = "".join(f"2025-{m:02d},days,,{v}\n" for m, v in [(1, 9), (2, 8), (3, 3), (4, 4)])
    await service.import_csv(slug, "Year,Units,GeoCode,Value\n" + rows)
    await service.add_break(slug, "2025-03", {"en": "Counted from the first reply, not the first call"})
    detail = await service.get_indicator(slug)
    assert detail.breaks[0].period == "2025-03"
    result = service.assess(detail)
    assert result.reference is not None and result.reference.period == "2025-03"
    assert result.direction == "up" and result.worsening


async def test_delivery_on_time_equals_a_hand_calculation(db: object) -> None:
    hood = await make_neighborhood("Old Town")
    items = [await make_item(neighborhood_id=hood) for _ in range(3)]
    # By hand: item 0 met both milestones (on time), item 1 was a day late on one, both finished in
    # March 2025: 1 of 2 = 50%. Item 2 finished on time in April: 100%. Not completed items don't count.
    plans = {items[0]: [("2025-02-01", "2025-01-30"), ("2025-03-10", "2025-03-10")],
             items[1]: [("2025-02-01", "2025-02-02"), ("2025-03-10", "2025-03-05")],
             items[2]: [("2025-04-01", "2025-04-01")]}
    for item, plan in plans.items():
        for planned, actual in plan:
            await Milestone.insert(Milestone(item=item, name="Step", planned_date=dt.date.fromisoformat(planned),
                                             actual_date=dt.date.fromisoformat(actual)))
        await DeliveryItem.update({DeliveryItem.status: "completed"}).where(DeliveryItem.id == item)
    await make_item(neighborhood_id=hood)  # planned: not counted
    slug = await make_indicator("delivery", unit="percent", lower_is_better=False, source="delivery-on-time")
    detail = await service.get_indicator(slug)
    assert [(v.period, v.neighborhood_id, v.value) for v in detail.values] == [
        ("2025-03", None, 50.0), ("2025-03", hood, 50.0), ("2025-04", None, 100.0), ("2025-04", hood, 100.0)]


async def test_participation_equals_turnout_with_small_groups_hidden(db: object) -> None:
    setup = await make_ballot("Riverside")
    for year in [1990] * 6 + [1960] * 2:
        voter = await make_account(neighborhood_id=setup.hood, birth_year=year)
        await ballots.cast_online(setup.ballot_id, voter.id, setup.proposals[:1])
    closed = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    await Ballot.update({Ballot.closes_at: closed}).where(Ballot.id == setup.ballot_id)
    slug = await make_indicator("turnout", unit="count", lower_is_better=False, source="participation")
    detail = await service.get_indicator(slug)
    period = closed.strftime("%Y-%m")  # the test clock's zone is UTC
    by_key = {(v.neighborhood_id, tuple(v.breakdown.items())): v for v in detail.values if v.period == period}
    # By hand: 8 voters, all in Riverside's fund; 6 aged 25-44 in the closing year, 2 aged 65+.
    assert by_key[(None, ())].value == 8
    assert by_key[(setup.hood, ())].value == 8
    # 2 is fewer than 5, and with only two bands the other would give it away: both hidden.
    assert by_key[(None, (("Age", "65+"),))].value is None and by_key[(None, (("Age", "65+"),))].fewer_than_5
    assert by_key[(None, (("Age", "25-44"),))].value is None
    stored = await IndicatorValue.select(IndicatorValue.value).where(IndicatorValue.breakdown == '{"Age":"65+"}')
    assert stored == [{"value": 2.0}]


async def test_headlines_give_the_dashboard_what_details_give(db: object) -> None:
    """The dashboard reads `headlines` (city totals only, fewer columns); its assessments, summary
    sentences and breaks must be those of `details`, small groups hidden by the same rule: here a
    city total about 3 people, one hidden by secondary suppression of its neighborhoods, one kept
    by a breakdown, and values not about people."""
    from indicators import summary

    river, old_town = await make_neighborhood("Riverside"), await make_neighborhood("Old Town")
    counted = await make_indicator(unit="percent", lower_is_better=False, target=50)
    imported = await make_indicator(unit="days", target=2, target_date=dt.date(2025, 6, 1))
    await make_indicator(unit="count")  # no values at all
    ids = {d.indicator.slug: d.indicator.id for d in await service.details()}
    rows = [  # (period, neighborhood, breakdown, value, people)
        ("2024-01", None, "{}", 40.0, 3), ("2024-02", None, "{}", 42.0, 30), ("2024-02", river, "{}", 41.0, 27),
        ("2024-02", old_town, "{}", 44.0, 3), ("2025-01", None, "{}", 45.0, 40),
        ("2025-01", None, '{"age":"18-24"}', 47.0, 2), ("2025-01", None, '{"age":"65+"}', 44.0, 38),
        ("2025-02", None, "{}", 30.0, None), ("2025-03", None, "{}", 55.0, 6),
        ("2025-03", river, "{}", 50.0, 4), ("2025-03", old_town, "{}", 58.0, 2),
    ]
    await IndicatorValue.insert(*(IndicatorValue(indicator=ids[counted], period=p, neighborhood=h, breakdown=b,
                                                 value=v, people=n) for p, h, b, v, n in rows))
    await service.import_csv(imported, "Year,Units,GeoCode,Value\n" + "".join(
        f"2025-{m:02d},days,,{v}\n" for m, v in [(1, 4), (2, 3), (3, 5)]) + f"2025-03,days,{river},1\n")
    await service.add_break(imported, "2025-02", {"en": "New method", "es": "Nuevo método"})
    details = await service.details()
    headlines = await service.headlines()
    assert [h.indicator for h in headlines] == [d.indicator for d in details]
    for h, d in zip(headlines, details, strict=True):
        assert service.totals(h) == service.totals(d)
        assert h.breaks == d.breaks
        assert service.assess(h) == service.assess(d)
        assert summary.sentences(h, service.assess(h)) == summary.sentences(d, service.assess(d))
    # The city total about 3 people is hidden (not merely left out of the comparison).
    by_slug = {h.indicator.slug: h for h in headlines}
    assert [(v.period, v.value) for v in by_slug[counted].values] == [
        ("2024-01", None), ("2024-02", 42.0), ("2025-01", 45.0), ("2025-02", 30.0), ("2025-03", 55.0)]
