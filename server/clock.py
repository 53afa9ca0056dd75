"""The city's clock. Moments are stored and compared in UTC; people read and type them in the
city's own time zone (TOWNSQUARE_TIME_ZONE), and "today" is the city's date, not the server's.

The zone is process-wide because a deployment serves one city: it is set once at start-up from the
settings, like the currency, and every request, notification and background job shares it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_zone: ZoneInfo = ZoneInfo("UTC")


class NonexistentLocalTime(ValueError):
    """A wall-clock time the city's clocks skip (the hour lost when summer time starts)."""


def check_zone(name: str) -> ZoneInfo:
    """The zone for an IANA name such as "America/Chicago"; ValueError if there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(name) from exc


def set_zone(name: str) -> None:
    global _zone
    _zone = check_zone(name)


def zone_name() -> str:
    return _zone.key


def now() -> dt.datetime:
    """This moment, in UTC (how moments are stored and compared)."""
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    return local_date(dt.datetime.now(dt.UTC))


def local_date(moment: dt.datetime) -> dt.date:
    """The city's date at that moment: after 6 p.m. in Chicago it is already tomorrow in UTC."""
    return to_local(moment).date()


def to_local(value: dt.datetime) -> dt.datetime:
    """The same moment on the city's clock. Naive values are UTC (SQLite returns them so)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(_zone)


def from_local(value: dt.datetime) -> dt.datetime:
    """A time typed on the city's clock, as a UTC moment. A time the clocks skip is refused rather
    than silently moved by an hour; in the repeated hour when summer time ends, the first is meant."""
    if value.tzinfo is not None:
        return value.astimezone(dt.UTC)
    moment = value.replace(tzinfo=_zone).astimezone(dt.UTC)
    if moment.astimezone(_zone).replace(tzinfo=None) != value:
        raise NonexistentLocalTime(value.isoformat())
    return moment


def local_input_value(value: dt.datetime) -> str:
    """The value of a `datetime-local` field showing this moment on the city's clock."""
    return to_local(value).strftime("%Y-%m-%dT%H:%M")
