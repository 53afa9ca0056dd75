"""The city's clock: typed times are read in the city's zone, shown back in it, and "today" is the
city's date. Chicago is used because it has summer time and sits six hours behind UTC in winter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from server import clock, i18n


@pytest.fixture(autouse=True)
def chicago() -> Iterator[None]:
    clock.set_zone("America/Chicago")
    yield
    clock.set_zone("UTC")


def test_a_typed_time_is_read_on_the_city_clock() -> None:
    assert clock.from_local(dt.datetime(2027, 1, 10, 9, 0)) == dt.datetime(2027, 1, 10, 15, 0, tzinfo=dt.UTC)
    assert clock.from_local(dt.datetime(2027, 7, 10, 9, 0)) == dt.datetime(2027, 7, 10, 14, 0, tzinfo=dt.UTC)
    assert clock.local_input_value(dt.datetime(2027, 1, 10, 15, 0, tzinfo=dt.UTC)) == "2027-01-10T09:00"
    # SQLite hands back naive UTC: it is the same moment.
    assert clock.local_input_value(dt.datetime(2027, 1, 10, 15, 0)) == "2027-01-10T09:00"


def test_a_time_the_clocks_skip_is_refused_and_the_repeated_hour_means_the_first() -> None:
    with pytest.raises(clock.NonexistentLocalTime):
        clock.from_local(dt.datetime(2027, 3, 14, 2, 30))  # 2:00 becomes 3:00 that night
    first = clock.from_local(dt.datetime(2027, 11, 7, 1, 30))  # 1:00-2:00 happens twice
    assert first == dt.datetime(2027, 11, 7, 6, 30, tzinfo=dt.UTC)


def test_today_is_the_city_date() -> None:
    evening = dt.datetime(2027, 1, 10, 3, 0, tzinfo=dt.UTC)  # 9 p.m. on the 9th in Chicago
    assert clock.local_date(evening) == dt.date(2027, 1, 9)
    clock.set_zone("UTC")
    assert clock.local_date(evening) == dt.date(2027, 1, 10)


def test_times_are_shown_on_the_city_clock_with_the_zone_where_asked() -> None:
    moment = dt.datetime(2027, 1, 10, 15, 0, tzinfo=dt.UTC)
    token = i18n.set_locale("en")
    try:
        assert i18n.fmt_datetime(moment, "short") == "1/10/27, 9:00\u202fAM"
        assert i18n.fmt_datetime(moment, "short", zone=True) == "1/10/27, 9:00\u202fAM (CST)"
        assert i18n.fmt_datetime(moment.replace(month=7), "short", zone=True).endswith("(CDT)")
        assert i18n.fmt_date(dt.datetime(2027, 1, 10, 3, 0, tzinfo=dt.UTC)) == "Jan 9, 2027"
    finally:
        i18n.reset_locale(token)


def test_an_unknown_zone_is_refused() -> None:
    with pytest.raises(ValueError):
        clock.check_zone("Mars/Olympus_Mons")
