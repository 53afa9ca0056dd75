"""Survey statistics (no I/O): shares with Wilson 95% score intervals, and Likert means.

The Wilson interval (Wilson 1927; recommended over the normal "Wald" interval by Brown, Cai and
DasGupta 2001) stays inside 0-1 and behaves for small samples and shares near 0 or 1, which is
exactly where survey breakdowns live."""

from __future__ import annotations

import math
from collections.abc import Mapping

import msgspec

Z95 = 1.959963984540054  # the standard normal quantile for a two-sided 95% interval


class Share(msgspec.Struct, frozen=True):
    count: int
    of: int
    share: float  # 0-1
    low: float  # Wilson 95% interval, 0-1
    high: float


def wilson(count: int, of: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for `count` successes out of `of` (0 <= count <= of)."""
    if of <= 0:
        return (0.0, 0.0)
    if not 0 <= count <= of:
        raise ValueError("count must be between 0 and the number asked")
    p = count / of
    z2 = z * z
    centre = (p + z2 / (2 * of)) / (1 + z2 / of)
    half = z * math.sqrt(p * (1 - p) / of + z2 / (4 * of * of)) / (1 + z2 / of)
    return (max(0.0, centre - half), min(1.0, centre + half))


def share(count: int, of: int) -> Share:
    low, high = wilson(count, of)
    return Share(count, of, count / of if of else 0.0, low, high)


def likert_mean(counts: Mapping[int, int]) -> float | None:
    """The mean scale point of Likert answers, `counts` being {point: how many chose it}; None when
    nobody answered."""
    n = sum(counts.values())
    if not n:
        return None
    return sum(point * k for point, k in counts.items()) / n


def likert_index(counts: Mapping[int, int], points: int) -> float | None:
    """The mean rescaled to 0-100 (1 -> 0, `points` -> 100): how a trust index is reported, so
    indices from 4- and 5-point questions read on one scale."""
    mean = likert_mean(counts)
    if mean is None or points < 2:
        return None
    return (mean - 1) / (points - 1) * 100
