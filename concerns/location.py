"""Where a concern is, as it may be published (no I/O). The exact point or house number a
reporter gives is kept for the people handling the case; the public sees only the street, or the
block (a hundred-number range), and a point snapped to a grid of about 150 metres. Sensitive
categories publish no place at all (callers pass `sensitive`)."""

from __future__ import annotations

import math
import re

# 0.0015 degrees of latitude is about 167 m; longitude cells shrink with the cosine of latitude,
# which is close enough for "roughly this block" at city latitudes.
GRID_DEGREES = 0.0015

# A house number, with a letter only when the letter stands alone ("245B Canal Road", not "12 Elm").
_HOUSE_NUMBER = re.compile(r"^\s*(\d+)(?:[a-zA-Z](?=[\s,]))?\s*[-/,]?\s*(?P<street>\S.*)$")
_TRAILING_NUMBER = re.compile(r"^(?P<street>.*\D)\s+(\d+)[a-zA-Z]?\s*$")
_UNIT = re.compile(r"\b(apt|apartment|unit|flat|suite|piso|depto|شقة)\b\.?\s*\S+", re.IGNORECASE)


def coarsen_address(address: str) -> str:
    """The block: "12 Elm Street" and "Elm Street 12" both become "0-99 Elm Street". An address
    without a house number is a street or a place and is kept as typed; apartment and unit parts and
    anything after the first comma (a town, a postcode) are dropped."""
    text = _UNIT.sub("", address or "").strip(" ,")
    text = re.sub(r"\s+", " ", text)
    if not text:
        return ""
    match = _HOUSE_NUMBER.match(text)
    number: int | None = None
    street = text
    if match and not match.group("street")[0].isdigit():
        number, street = int(match.group(1)), match.group("street")
    else:
        trailing = _TRAILING_NUMBER.match(text)
        if trailing:
            number, street = int(trailing.group(2)), trailing.group("street")
    street = street.split(",")[0].strip()
    if number is None:
        return street
    low = (number // 100) * 100
    return f"{low}-{low + 99} {street}"


def coarsen_point(lat: float | None, long: float | None) -> tuple[float, float] | None:
    """The centre of the grid cell the point is in, or None for no point or an impossible one."""
    if lat is None or long is None or not (-90 <= lat <= 90 and -180 <= long <= 180):
        return None
    if math.isnan(lat) or math.isnan(long):
        return None

    def snap(value: float) -> float:
        return round((math.floor(value / GRID_DEGREES) + 0.5) * GRID_DEGREES, 5)

    return snap(lat), snap(long)


def public_location(address: str, lat: float | None, long: float | None, *,
                    sensitive: bool) -> tuple[str, float | None, float | None]:
    """(place, lat, long) that may be published."""
    if sensitive:
        return "", None, None
    point = coarsen_point(lat, long)
    return coarsen_address(address), point[0] if point else None, point[1] if point else None
