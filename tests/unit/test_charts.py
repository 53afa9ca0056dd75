"""Server-drawn charts: named for assistive technology, with every value in the text alternative,
residents' text escaped, and suppressed groups leaking nothing."""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

from server import charts

PAYLOAD = '<script>alert("x")</script>'


def fmt(value: float) -> str:
    return f"{value:,.0f}"


def money(value: float) -> str:
    return f"${value:,.0f}"


def _budget(rtl: bool = False) -> charts.Chart:
    return charts.budget_split_chart(
        chart_id="budget", title="Budget split", desc="How the fund was spent", rtl=rtl,
        parts=[("Lights", 42000), (PAYLOAD, 13000), ("Crossing", 30000)], budget=100000,
        unspent_label="Unspent", headers=("Project", "Amount"), data_label="Show table", fmt=money,
    )


def _points() -> charts.Chart:
    return charts.points_chart(
        chart_id="points", title="Points", desc="Points per project",
        rows=[charts.PointsRow("Low", 120, False), charts.PointsRow("Top", 980, True),
              charts.PointsRow(PAYLOAD, 640, True), charts.PointsRow("Middle", 300, False)],
        funded_label="funded", not_funded_label="not funded", funded_line_label="Funded above this line",
        headers=("Project", "Points", "Result"), data_label="Show table", fmt=fmt,
    )


def _age() -> charts.Chart:
    return charts.turnout_by_age_chart(
        chart_id="age", title="Turnout by age", desc="Ballots cast per age band",
        bands=[("14-17", None), ("18-29", 412), ("30-49", 1337), ("50+", 977)],
        suppressed_label="fewer than 5", headers=("Age", "Ballots"), data_label="Show table", fmt=fmt,
    )


def _hoods() -> charts.Chart:
    return charts.by_neighborhood_chart(
        chart_id="hoods", title="By neighborhood", desc="Ballots per neighborhood",
        rows=[("Riverside", 2100), ("Hillcrest", 875)], headers=("Neighborhood", "Ballots"),
        data_label="Show table", fmt=fmt,
    )


def _progress() -> charts.Chart:
    return charts.progress_chart(
        chart_id="money-1", title="Spent", desc="Spent against allocated", items=[("Lights", 12500, 42000)],
        headers=("Project", "Spent", "Allocated"), data_label="Show table", fmt=money,
    )


ALL = [_budget, _points, _age, _hoods, _progress]


def test_every_chart_is_named_and_parses_as_xml() -> None:
    for make in ALL:
        chart = make()
        svg = ET.fromstring(chart.svg)
        ns = "{http://www.w3.org/2000/svg}"
        assert svg.get("role") == "img"
        title, desc = svg.find(f"{ns}title"), svg.find(f"{ns}desc")
        assert title is not None and title.text and desc is not None and desc.text
        assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert svg.get("width") == "100%" and svg.get("viewBox")
        assert " style=" not in chart.svg and "<script" not in chart.svg.lower()
        html = chart.__html__()
        assert "<details" in html and "<table" in html and 'scope="col"' in html


def test_text_alternative_holds_every_value() -> None:
    budget = _budget().table
    for value in ("$42,000", "$13,000", "$30,000", "$15,000", "Unspent", "Lights", "Crossing"):
        assert value in budget
    points = _points().table
    for value in ("980", "640", "300", "120", "not funded"):
        assert value in points
    assert points.count(">funded<") == 2
    age = _age().table
    for value in ("412", "1,337", "977", "fewer than 5", "14-17"):
        assert value in age
    assert "2,100" in _hoods().table and "875" in _hoods().table
    assert "$12,500" in _progress().table and "$42,000" in _progress().table


def test_payload_titles_are_escaped_everywhere() -> None:
    for chart in (_budget(), _points()):
        html = chart.__html__()
        assert PAYLOAD not in html
        assert "&lt;script&gt;" in html
        ET.fromstring(chart.svg)  # still well-formed


def test_suppressed_band_leaks_no_number() -> None:
    chart = _age()
    svg = ET.fromstring(chart.svg)
    ns = "{http://www.w3.org/2000/svg}"
    texts = [t.text for t in svg.iter(f"{ns}text")]
    label_index = texts.index("14-17")
    assert texts[label_index + 1] == "fewer than 5"
    # Only three bars drawn (one per shown band); the suppressed band has none.
    assert len(list(svg.iter(f"{ns}rect"))) == 3
    row = re.search(r'<th scope="row">14-17</th><td>([^<]*)</td>', chart.table)
    assert row and row.group(1) == "fewer than 5"


def test_points_sorted_with_funded_marked_and_line_drawn() -> None:
    chart = _points()
    order = re.findall(r'<th scope="row">([^<]*)</th>', chart.table)
    assert order == ["Top", "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;", "Middle", "Low"]
    assert "Funded above this line" in chart.svg and "stroke-dasharray" in chart.svg
    assert "url(#points-hatch)" in chart.svg


def test_right_to_left_mirrors_bars_and_sets_direction() -> None:
    ltr, rtl = _budget(), _budget(rtl=True)
    assert 'direction="rtl"' in rtl.svg and 'direction="rtl"' not in ltr.svg
    first_ltr = re.search(r'<rect x="([\d.]+)"', ltr.svg)
    first_rtl = re.search(r'<rect x="([\d.]+)" y="4.0" width="([\d.]+)"', rtl.svg)
    assert first_ltr and first_ltr.group(1) == "0.0"
    assert first_rtl and float(first_rtl.group(1)) + float(first_rtl.group(2)) == charts.WIDTH


def test_unsafe_chart_ids_are_cleaned() -> None:
    chart = charts.bar_chart(chart_id='"><x', title="t", desc="d", rows=[("a", 1)], headers=("h", "v"),
                             data_label="s", fmt=fmt)
    assert '"><x' not in chart.svg
    ET.fromstring(chart.svg)


def _line(rtl: bool = False) -> charts.Chart:
    return charts.line_chart(
        chart_id="line", title="Response days", desc="Rose from 3 to 5", rtl=rtl,
        points=[("Jan", 3), ("Feb", None), ("Mar", 4), (PAYLOAD, 5)], headers=("Month", "Days", "Note"),
        data_label="Show table", fmt=fmt, target=2, target_label="Target", breaks=[2], break_label="Method changed",
        notes=["", "", "provisional", ""], suppressed_label="fewer than 5",
    )


def test_line_chart_is_named_and_lists_every_value() -> None:
    chart = _line()
    svg = ET.fromstring(chart.svg)
    assert svg.get("role") == "img"
    ns = "{http://www.w3.org/2000/svg}"
    assert svg.find(f"{ns}title").text == "Response days"  # type: ignore[union-attr]
    table = ET.fromstring(chart.table)
    cells = [[c.text or "" for c in row] for row in table.iter("tr")][1:]
    assert cells == [["Jan", "3", ""], ["Feb", "fewer than 5", ""], ["Mar", "4", "provisional"], [PAYLOAD, "5", ""]]
    # The break is drawn and labelled; the gap and the break split the line, so no polyline crosses them.
    assert "Method changed" in chart.svg and "Target 2" in chart.svg
    assert chart.svg.count("<polyline") == 1  # only Mar -> (payload) is a segment of two points
    assert chart.svg.count('r="3.5"') == 3  # a marker per shown value
    assert "<script>" not in chart.svg + chart.table


def test_line_chart_mirrors_for_right_to_left() -> None:
    ltr, rtl = _line(), _line(rtl=True)
    assert ltr.svg != rtl.svg and 'direction="rtl"' in rtl.svg
