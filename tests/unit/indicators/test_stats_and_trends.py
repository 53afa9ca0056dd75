"""Survey statistics and what an indicator's numbers say, against hand calculations."""

from __future__ import annotations

import datetime as dt

import pytest

from indicators import trends
from indicators.surveys import stats
from indicators.trends import Point


def test_wilson_matches_a_hand_calculation() -> None:
    # 8 of 10: centre (0.8 + 1.9208/10) / 1.38415 = 0.71672; half-width
    # 1.95996 * sqrt(0.016 + 0.0096040) / 1.38415 = 0.22657 -> (0.4902, 0.9433).
    low, high = stats.wilson(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4)
    assert high == pytest.approx(0.9433, abs=1e-4)


def test_wilson_at_the_edges() -> None:
    assert stats.wilson(0, 0) == (0.0, 0.0)
    low, high = stats.wilson(0, 20)
    assert low == 0.0 and high == pytest.approx(0.1611, abs=1e-4)
    low, high = stats.wilson(20, 20)
    assert high == 1.0 and low == pytest.approx(0.8389, abs=1e-4)
    with pytest.raises(ValueError):
        stats.wilson(5, 4)


def test_share() -> None:
    s = stats.share(3, 12)
    assert (s.count, s.of, s.share) == (3, 12, 0.25)
    assert s.low < 0.25 < s.high


def test_likert_mean_and_index() -> None:
    # 2 people chose 1, 3 chose 4, 5 chose 5: (2 + 12 + 25) / 10 = 3.9; index (3.9 - 1) / 4 * 100 = 72.5.
    counts = {1: 2, 4: 3, 5: 5}
    assert stats.likert_mean(counts) == pytest.approx(3.9)
    assert stats.likert_index(counts, 5) == pytest.approx(72.5)
    assert stats.likert_mean({}) is None
    assert stats.likert_index({}, 5) is None


TODAY = dt.date(2026, 11, 30)


def monthly(start_year: int, values: list[float]) -> list[Point]:
    return [Point(f"{start_year + i // 12}-{i % 12 + 1:02d}", v) for i, v in enumerate(values)]


def test_the_comparison_is_with_a_year_earlier() -> None:
    points = monthly(2025, [3, 3, 4, 3, 3, 3, 3, 3, 3, 3, 3, 3, 5, 4])  # 2025-01 .. 2026-02
    result = trends.assess(points, lower_is_better=True, target=2, target_date=dt.date(2027, 1, 1), today=TODAY)
    assert result.latest == Point("2026-02", 4)
    assert result.reference == Point("2025-02", 3)
    assert result.direction == "up" and result.worsening
    assert result.target_status == trends.NOT_YET


def test_a_series_break_is_never_compared_across() -> None:
    points = monthly(2025, [10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 20, 19, 18])
    result = trends.assess(points, lower_is_better=False, breaks=["2026-01"], today=TODAY)
    assert result.reference == Point("2026-01", 20)
    assert result.direction == "down" and result.worsening and result.broken


def test_a_missed_target_is_judged_on_the_last_value_before_its_date() -> None:
    points = monthly(2025, [60, 62, 64, 66, 68, 70])  # up to 2025-06
    result = trends.assess(points, lower_is_better=False, target=75, target_date=dt.date(2025, 4, 30), today=TODAY)
    assert result.target_status == trends.MISSED and result.target_value == 66
    met = trends.assess(points, lower_is_better=False, target=60, target_date=dt.date(2025, 4, 30), today=TODAY)
    assert met.target_status == trends.MET


def test_yearly_periods_and_nothing_to_compare() -> None:
    assert trends.assess([], lower_is_better=True, today=TODAY).direction == ""
    one = trends.assess([Point("2025", 4)], lower_is_better=True, today=TODAY)
    assert one.direction == "" and not one.worsening
    two = trends.assess([Point("2024", 4), Point("2025", 3)], lower_is_better=True, today=TODAY)
    assert two.direction == "down" and not two.worsening
    assert trends.period_end("2024-02") == dt.date(2024, 2, 29)
    assert trends.period_end("2025-12") == dt.date(2025, 12, 31)
