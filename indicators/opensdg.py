"""Open SDG tidy CSV (open-sdg/open-sdg docs/data-format.md): reading with every problem named by
row and column, and writing (no I/O).

One row per value: the period column `Year` ("2025", or "2025-03" for a month), any breakdown
columns (an empty cell is the total over that breakdown), `Units`, `GeoCode` (a neighborhood's
number in Townsquare, empty for the whole city), `OBS_STATUS` (empty for a normal value, `P`
provisional, `E` estimated as in SDMX's code list, `R` revised as in Eurostat's flags, since SDMX
has no code for it) and `Value`. Reading checks every row and returns all the problems at once; a
caller imports nothing while there is any. `write` then `parse` gives back the same rows."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Collection, Iterable, Mapping

import msgspec

from server.i18n import gettext as _

PERIOD = "Year"
UNITS = "Units"
GEOCODE = "GeoCode"
FLAG = "OBS_STATUS"
VALUE = "Value"
FIXED = (PERIOD, UNITS, GEOCODE, FLAG, VALUE)
FLAGS = {"": "", "P": "provisional", "E": "estimated", "R": "revised"}
CODES = {name: code for code, name in FLAGS.items()}
MAX_ROWS = 20000
MAX_CELL = 80
_PERIOD_RE = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2]))?$")
_NAME_RE = re.compile(r"^[\w][\w .-]{0,39}$")
_NUMBER_RE = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


class Row(msgspec.Struct, frozen=True):
    period: str
    neighborhood_id: int | None
    breakdown: dict[str, str]
    value: float
    flag: str = ""  # "", "provisional", "estimated", "revised"


class Problem(msgspec.Struct, frozen=True):
    row: int  # the line in the file: 1 is the header
    column: str
    message: str


def breakdown_key(breakdown: Mapping[str, str]) -> str:
    """The one text a breakdown is stored and compared as: sorted JSON, "{}" for the total."""
    return msgspec.json.encode(dict(sorted((k, v) for k, v in breakdown.items() if v))).decode()


def parse(text: str, *, unit: str, neighborhoods: Collection[int]) -> tuple[list[Row], list[Problem]]:
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = next(reader)
    except StopIteration:
        return [], [Problem(1, "", _("The file is empty."))]
    except csv.Error as exc:
        return [], [Problem(1, "", _("This is not a CSV file (%(error)s).", error=str(exc)))]
    header = [h.strip() for h in header]
    for required in (PERIOD, VALUE):
        if required not in header:
            problems.append(Problem(1, required, _("The column “%(column)s” is missing.", column=required)))
    seen_names: set[str] = set()
    for name in header:
        if name in seen_names:
            problems.append(Problem(1, name, _("The column “%(column)s” appears twice.", column=name)))
        seen_names.add(name)
        if name not in FIXED and not _NAME_RE.match(name):
            problems.append(Problem(1, name, _("A breakdown column needs a name of letters and digits, up to 40 "
                                               "characters.")))
    if problems:
        return [], problems
    breakdown_columns = [h for h in header if h not in FIXED]
    rows: list[Row] = []
    seen: dict[tuple[str, int | None, str], int] = {}
    try:
        for line, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if line - 1 > MAX_ROWS:
                problems.append(Problem(line, "", _("A file may hold at most %(n)s rows.", n=MAX_ROWS)))
                break
            if len(cells) != len(header):
                problems.append(Problem(line, "", _("This row has %(got)s cells; the header has %(want)s.",
                                                    got=len(cells), want=len(header))))
                continue
            row = _row(line, dict(zip(header, (c.strip() for c in cells), strict=True)), breakdown_columns,
                       unit, neighborhoods, problems)
            if row is None:
                continue
            key = (row.period, row.neighborhood_id, breakdown_key(row.breakdown))
            if key in seen:
                problems.append(Problem(line, PERIOD, _("Row %(other)s already gives a value for this period, place "
                                                        "and breakdown.", other=seen[key])))
                continue
            seen[key] = line
            rows.append(row)
    except csv.Error as exc:
        problems.append(Problem(reader.line_num, "", _("This is not a CSV file (%(error)s).", error=str(exc))))
    return ([] if problems else rows), problems


def _row(line: int, cells: dict[str, str], breakdown_columns: list[str], unit: str,
         neighborhoods: Collection[int], problems: list[Problem]) -> Row | None:
    before = len(problems)
    period = cells[PERIOD]
    if not _PERIOD_RE.match(period):
        problems.append(Problem(line, PERIOD, _("Write the period as a year (2025) or a month (2025-03).")))
    units = cells.get(UNITS, "")
    if units and units != unit:
        problems.append(Problem(line, UNITS, _("This indicator is measured in “%(unit)s”, not “%(got)s”.",
                                               unit=unit, got=units)))
    geocode = cells.get(GEOCODE, "")
    neighborhood: int | None = None
    if geocode:
        if not geocode.isdigit() or int(geocode) not in neighborhoods:
            problems.append(Problem(line, GEOCODE, _("“%(code)s” is not the number of a neighborhood; leave it "
                                                     "empty for the whole city.", code=geocode)))
        else:
            neighborhood = int(geocode)
    code = cells.get(FLAG, "")
    if code not in FLAGS:
        problems.append(Problem(line, FLAG, _("Use P (provisional), E (estimated), R (revised) or leave it "
                                              "empty.")))
    raw = cells[VALUE]
    value = float(raw) if _NUMBER_RE.match(raw) else math.nan
    if not math.isfinite(value):
        problems.append(Problem(line, VALUE, _("Write the value as a number with a dot for decimals (12.5).")))
    breakdown: dict[str, str] = {}
    for column in breakdown_columns:
        cell = cells[column]
        if len(cell) > MAX_CELL or _CONTROL_RE.search(cell):
            problems.append(Problem(line, column, _("A breakdown value is at most %(n)s characters of plain text.",
                                                    n=MAX_CELL)))
        elif cell:
            breakdown[column] = cell
    if len(problems) > before:
        return None
    return Row(period, neighborhood, breakdown, value, FLAGS[code])


def format_value(value: float) -> str:
    """The shortest text that reads back as exactly this float ("12" for 12.0)."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def write(rows: Iterable[Row], *, unit: str) -> str:
    rows = sorted(rows, key=lambda r: (r.period, r.neighborhood_id or 0, breakdown_key(r.breakdown)))
    columns = sorted({k for r in rows for k in r.breakdown})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([PERIOD, *columns, UNITS, GEOCODE, FLAG, VALUE])
    for r in rows:
        writer.writerow([r.period, *(r.breakdown.get(c, "") for c in columns), unit,
                         "" if r.neighborhood_id is None else str(r.neighborhood_id), CODES.get(r.flag, ""),
                         format_value(r.value)])
    return out.getvalue()
