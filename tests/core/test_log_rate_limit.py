"""The rate limiter and the one-line log filter on their own."""

from __future__ import annotations

import logging

import pytest

from flowdesk.core.log_rate_limit import RateLimitedLogFilter, RateLimiter, one_line


def test_one_yes_per_interval_per_key_with_the_count_of_noes() -> None:
    now = [0.0]
    limiter = RateLimiter(60, clock=lambda: now[0])
    assert limiter.check("a") == 0
    assert [limiter.check("a") for _ in range(5)] == [None] * 5
    assert limiter.check("b") == 0  # keys are independent
    now[0] = 59.9
    assert limiter.check("a") is None
    now[0] = 60.0
    assert limiter.check("a") == 6
    assert limiter.check("a") is None


def test_one_line_flattens_escapes_and_cuts() -> None:
    assert one_line("a\nb\t c") == "a b c"
    assert one_line("x\x1b[31mred\x00") == "x\\x1b[31mred\\x00"
    assert one_line("y" * 500, 10) == "y" * 10 + "…"


def test_filter_rewrites_matching_records_and_leaves_others(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.log_rate_limit")
    flt = RateLimitedLogFilter(lambda r: "noise" if r.exc_info and isinstance(r.exc_info[1], OSError) else None)
    flt.attach(logger.name)
    caplog.set_level(logging.INFO)
    try:
        for _ in range(50):
            try:
                raise ConnectionResetError("peer\ngone")
            except OSError:
                logger.exception("lost %s", "it")
        try:
            raise KeyError("bug")
        except KeyError:
            logger.exception("real")
    finally:
        flt.detach()
    assert [r.getMessage() for r in caplog.records] == ["noise: lost it (ConnectionResetError: peer gone)", "real"]
    assert caplog.records[0].exc_info is None and caplog.records[0].levelname == "WARNING"
    assert caplog.records[1].exc_info is not None
    assert logger.filters == []
