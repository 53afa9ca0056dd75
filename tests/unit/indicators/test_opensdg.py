"""Open SDG tidy CSV: every problem named by row and column, nothing returned while any exists,
and writing then reading gives the same rows."""

from __future__ import annotations

import pytest

from indicators import opensdg
from indicators.opensdg import Row
from server.i18n import using_locale

HOODS = {3, 4}


def test_a_good_file() -> None:
    text = ("Year,Age,Units,GeoCode,OBS_STATUS,Value\n"
            "2025,,days,,,4.5\n2025-03,18-24,days,3,P,2\n")
    rows, problems = opensdg.parse(text, unit="days", neighborhoods=HOODS)
    assert problems == []
    assert rows == [Row("2025", None, {}, 4.5, ""), Row("2025-03", 3, {"Age": "18-24"}, 2.0, "provisional")]


def test_an_error_in_each_column_kind_is_named_and_nothing_is_returned() -> None:
    text = ("Year,Age,Units,GeoCode,OBS_STATUS,Value\n"
            "2025,,days,,,4\n"              # 2: fine
            "25,,days,,,4\n"                # 3: period
            "2025,,hours,,,4\n"             # 4: units
            "2025,,days,99,,4\n"            # 5: geocode
            "2025,,days,,X,4\n"             # 6: flag
            "2025,,days,,,4,5\n"            # 7: cell count
            "2025,,days,,,four\n"           # 8: value
            f"2025,{'a' * 81},days,,,4\n"   # 9: breakdown
            "2025,,days,,,5\n")             # 10: duplicate of row 2
    rows, problems = opensdg.parse(text, unit="days", neighborhoods=HOODS)
    assert rows == []
    assert [(p.row, p.column) for p in problems] == [
        (3, "Year"), (4, "Units"), (5, "GeoCode"), (6, "OBS_STATUS"), (7, ""), (8, "Value"), (9, "Age"),
        (10, "Year")]
    assert all(p.message for p in problems)


def test_header_problems() -> None:
    rows, problems = opensdg.parse("Year,Units\n2025,days\n", unit="days", neighborhoods=HOODS)
    assert rows == [] and [(p.row, p.column) for p in problems] == [(1, "Value")]
    _, problems = opensdg.parse("", unit="days", neighborhoods=HOODS)
    assert problems[0].row == 1
    _, problems = opensdg.parse("Year,Value,<b>\n2025,1,x\n", unit="days", neighborhoods=HOODS)
    assert [(p.row, p.column) for p in problems] == [(1, "<b>")]


def test_messages_are_translated() -> None:
    with using_locale("es"):
        _, problems = opensdg.parse("Year,Value\n2025,abc\n", unit="days", neighborhoods=HOODS)
    assert problems[0].message != "Write the value as a number with a dot for decimals (12.5)."


@pytest.mark.parametrize("value", [0.1, 1 / 3, 12.0, -4.25, 1e-7, 123456789.123])
def test_write_then_parse_gives_the_same_rows(value: float) -> None:
    rows = [Row("2024-12", None, {}, value, "revised"), Row("2025", 4, {"Age": "65+", "Sex": "F"}, value, ""),
            Row("2025", None, {"Age": "65+"}, value, "estimated")]
    text = opensdg.write(rows, unit="percent")
    back, problems = opensdg.parse(text, unit="percent", neighborhoods=HOODS)
    assert problems == []
    assert sorted(back, key=repr) == sorted(rows, key=repr)
