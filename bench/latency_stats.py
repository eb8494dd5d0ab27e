"""Latency and throughput summaries shared by the benchmark scripts (nearest-rank percentiles, ms / per-second)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of ``values``; NaN when there are none."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass(frozen=True)
class LatencySummary:
    """Count, wall time and latency percentiles of one measured series (latencies in seconds)."""

    count: int
    elapsed: float
    p50: float
    p99: float
    max: float

    @property
    def rate(self) -> float:
        """Completed operations per second over the series' wall time."""
        return self.count / self.elapsed if self.elapsed > 0 else math.nan

    @property
    def p50_ms(self) -> float:
        return self.p50 * 1000

    @property
    def p99_ms(self) -> float:
        return self.p99 * 1000


def summarize(latencies: Sequence[float], elapsed: float, count: int | None = None) -> LatencySummary:
    """Summary of a series; ``count`` overrides how many operations the rate is based on."""
    return LatencySummary(count=len(latencies) if count is None else count, elapsed=elapsed,
                          p50=percentile(latencies, 50), p99=percentile(latencies, 99),
                          max=max(latencies) if latencies else math.nan)


def ms(seconds: float, digits: int = 2) -> str:
    """Seconds shown as milliseconds."""
    return "n/a" if math.isnan(seconds) else f"{seconds * 1000:.{digits}f}"


def per_second(value: float) -> str:
    """A rate with a sensible number of digits."""
    if math.isnan(value):
        return "n/a"
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def ratio(value: float, baseline: float) -> str:
    """``value / baseline`` as ``12.3×`` (or n/a)."""
    if baseline == 0 or math.isnan(value) or math.isnan(baseline):
        return "n/a"
    return f"{value / baseline:,.2f}×" if value / baseline < 100 else f"{value / baseline:,.0f}×"
