"""The generated summary (numbers per locale, setbacks marked) and which values about people are
hidden (the small-group rule applied to indicator values)."""

from __future__ import annotations

import datetime as dt
import re

from indicators import summary, trends, visibility
from indicators.schemas import Break, Detail, Indicator, Value
from server.i18n import using_locale


def detail(values: list[tuple[str, float]], *, target: float | None = 2, target_date: dt.date | None = None,
           breaks: list[Break] | None = None) -> Detail:
    indicator = Indicator(1, "days", "Response days", "", "days", True, target, target_date, True, "", "", "")
    return Detail(indicator, [Value(p, None, "", {}, v, "") for p, v in values], breaks or [])


def plain(sentences: list[summary.Sentence]) -> list[str]:
    return [re.sub(r"<[^>]+>", "", s.html) for s in sentences]


def test_a_worsening_trend_and_a_missed_target_are_stated() -> None:
    d = detail([("2025-03", 3), ("2026-03", 5.5)], target_date=dt.date(2026, 1, 31))
    a = trends.assess([trends.Point("2025-03", 3), trends.Point("2026-03", 5.5)], lower_is_better=True, target=2,
                      target_date=dt.date(2026, 1, 31), today=dt.date(2026, 11, 30))
    riverside = trends.assess([trends.Point("2025-03", 2), trends.Point("2026-03", 4)], lower_is_better=True,
                              today=dt.date(2026, 11, 30))
    with using_locale("en"):
        found = summary.sentences(d, a, [("Riverside", riverside)])
    text = plain(found)
    assert text[0] == "Response days rose from 3 days in Mar 2025 to 5.5 days in Mar 2026."
    assert text[1] == "This is getting worse."
    assert text[2].startswith("The target of 2 days by ") and text[2].endswith("was missed: the value was 3 days.")
    assert text[3] == "In Riverside it rose from 2 days to 4 days."
    assert [s.setback for s in found] == [True, True, True, True]
    with using_locale("es"):
        spanish = plain(summary.sentences(d, a))
    assert "5,5" in spanish[0] and "5.5" not in spanish[0]


def test_names_are_escaped_and_isolated() -> None:
    d = detail([("2025", 3)])
    d = Detail(Indicator(1, "x", "<b>Lamps</b>", "", "days", True, None, None, True, "", "", ""), d.values, [])
    a = trends.assess([trends.Point("2025", 3)], lower_is_better=True, today=dt.date(2026, 1, 1))
    html = summary.sentences(d, a)[0].html
    assert "<bdi>&lt;b&gt;Lamps&lt;/b&gt;</bdi>" in html


def test_a_break_is_explained() -> None:
    breaks = [Break("2026-01", "New counting")]
    d = detail([("2025-12", 9), ("2026-01", 3), ("2026-02", 4)], target=None, breaks=breaks)
    a = trends.assess([trends.Point(p, v) for p, v, *_ in [("2025-12", 9), ("2026-01", 3), ("2026-02", 4)]],
                      lower_is_better=True, breaks=["2026-01"], today=dt.date(2026, 11, 30))
    text = plain(summary.sentences(d, a))
    assert text[0].startswith("Response days rose from 3 days in Jan 2026")
    assert any("method changed in Jan 2026" in t for t in text)


def test_values_about_few_people_are_hidden_with_their_protectors() -> None:
    key = ("2026-05", None, "{}")
    values = [(key, 30), (("2026-05", 1, "{}"), 3), (("2026-05", 2, "{}"), 20), (("2026-05", 3, "{}"), 7),
              (("2026-05", None, '{"Age":"18-24"}'), 12), (("2026-05", None, '{"Age":"65+"}'), 18),
              (("2025", None, "{}"), None)]
    hidden = visibility.hidden(values)
    assert ("2026-05", 1, "{}") in hidden and ("2026-05", 3, "{}") in hidden  # 3, and 7 protecting it
    assert ("2026-05", 2, "{}") not in hidden and key not in hidden
    assert not any(k[2] != "{}" for k in hidden)
    assert ("2025", None, "{}") not in hidden  # not about people


def test_a_small_total_hides_the_whole_period() -> None:
    values = [(("2026-05", None, "{}"), 4), (("2026-05", 1, "{}"), 4)]
    assert visibility.hidden(values) == {("2026-05", None, "{}"), ("2026-05", 1, "{}")}
