"""Sending at Telegram's limits: the smoothed buckets never let one period hold more than the rate,
and still flow at nearly all of it."""

from __future__ import annotations

import pytest

from bot.channels.telegram.ratelimit import smoothed


@pytest.mark.parametrize(("rate", "period"), [(30, 1), (28, 1), (930, 1), (3, 3), (20, 60)])
def test_no_period_holds_more_than_the_rate(rate: float, period: float) -> None:
    bucket, refill = smoothed(rate, period)
    # At worst a full bucket goes at once, then the bucket drains one request every refill/bucket.
    most_in_a_period = bucket + bucket / refill * period
    assert most_in_a_period <= rate + 1e-9
    assert bucket >= 1  # aiolimiter refuses to hand out a request larger than its bucket


@pytest.mark.parametrize("rate", [28, 30, 930])
def test_a_steady_flow_keeps_nine_tenths_of_the_rate(rate: float) -> None:
    bucket, refill = smoothed(rate)
    assert bucket / refill >= 0.9 * rate


def test_one_request_a_period_is_left_as_it_is() -> None:
    assert smoothed(1, 1) == (1, 1)  # a bucket can't hold less than one request
