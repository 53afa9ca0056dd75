"""The slow-down policy (server/throttle.py): no wait within the allowance, then a doubling wait with
a ceiling."""

from __future__ import annotations

from server.throttle import SlowDown


def test_no_wait_within_the_allowance() -> None:
    policy = SlowDown(free=10)
    assert [policy.delay(n) for n in range(11)] == [0.0] * 11


def test_the_wait_doubles_with_each_failure_past_the_allowance_up_to_a_ceiling() -> None:
    policy = SlowDown(free=10, base=1.0, ceiling=20.0)
    assert [policy.delay(n) for n in range(11, 17)] == [1.0, 2.0, 4.0, 8.0, 16.0, 20.0]
    assert policy.delay(10_000) == 20.0  # never more than the ceiling, however many failures
