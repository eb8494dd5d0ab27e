"""The GUI tests' timer-lag probe: how long the GUI thread was held up between two ticks of a 10 ms timer.

The wall-clock gap between two ticks also grows when other processes take the CPU away (two cores shared by
several test runs): that is the machine's load, not the application blocking its event loop. So at every tick
the probe also samples the GUI thread's own CPU time (``time.thread_time``) and, on Linux, how long the thread
waited runnable for a CPU (``/proc/thread-self/schedstat``). The time the GUI thread was *blocked* in a gap is
the wall-clock lag minus that wait for a CPU: it counts the thread running a long handler and the thread asleep
inside one (a lock, a socket, or the GIL held by a worker thread parsing a large output), and leaves out only
preemption. ``assert_unblocked`` fails on a gap blocked ``limit`` or more; where schedstat is missing it falls
back to the thread's CPU time, which misses the sleeping kind.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flowdesk.gui.qt import QTimer

SCHEDSTAT = Path("/proc/thread-self/schedstat")


def _queued_seconds() -> float | None:
    """Seconds this thread has waited runnable for a CPU since it started (Linux), None where unknown."""
    try:
        return int(SCHEDSTAT.read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return None


@dataclass(frozen=True)
class Gap:
    """The time between two ticks, beyond the timer's interval."""

    wall: float  # seconds late
    cpu: float  # seconds the GUI thread ran between the two ticks
    queued: float | None  # seconds it waited runnable for a CPU (preempted), None where unknown

    @property
    def blocked(self) -> float:
        """Seconds the event loop could not turn for the application's own reasons (a handler running or waiting)."""
        return max(self.cpu, self.wall - self.queued) if self.queued is not None else self.cpu


class TimerLagProbe:
    """A timer on the GUI thread; ``gaps`` holds, for every tick, how late it came and what the thread did meanwhile."""

    def __init__(self, interval_ms: int = 10) -> None:
        self.interval = interval_ms / 1000
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.gaps: list[Gap] = []
        self._last: tuple[float, float, float | None] = (0.0, 0.0, None)

    def _sample(self) -> tuple[float, float, float | None]:
        return time.perf_counter(), time.thread_time(), _queued_seconds()

    def _tick(self) -> None:
        now = self._sample()
        wall, cpu, queued = (a - b if a is not None and b is not None else None for a, b in zip(now, self._last))
        self.gaps.append(Gap(max(0.0, wall - self.interval), cpu, queued))
        self._last = now

    def start(self) -> None:
        """Start ticking (from the GUI thread)."""
        self.gaps.clear()
        self._last = self._sample()
        self.timer.start()

    def stop(self) -> TimerLagProbe:
        """Stop ticking; the gaps stay for the assertions."""
        self.timer.stop()
        self._tick()  # the time since the last tick counts too
        return self

    @contextmanager
    def running(self) -> Iterator[TimerLagProbe]:
        """``with probe.running(): ...``: ticks for the duration of the block."""
        self.start()
        try:
            yield self
        finally:
            self.stop()

    @property
    def worst_wall(self) -> Gap:
        """The tick that came latest by the clock on the wall."""
        return max(self.gaps, key=lambda g: g.wall, default=Gap(0.0, 0.0, None))

    @property
    def worst_cpu(self) -> Gap:
        """The gap in which the GUI thread ran longest."""
        return max(self.gaps, key=lambda g: g.cpu, default=Gap(0.0, 0.0, None))

    @property
    def worst_blocked(self) -> Gap:
        """The gap in which the GUI thread was held up longest, preemption left out."""
        return max(self.gaps, key=lambda g: g.blocked, default=Gap(0.0, 0.0, None))

    def report(self) -> str:
        """One line: the worst wall-clock lag and what made it, then the longest the GUI thread ran."""
        def describe(gap: Gap) -> str:
            queued = f", waiting for a CPU {gap.queued * 1000:.0f} ms" if gap.queued is not None else ""
            return f"{gap.wall * 1000:.0f} ms late (GUI thread ran {gap.cpu * 1000:.0f} ms{queued})"

        return (f"timer-lag probe over {len(self.gaps)} ticks: worst wall-clock lag {describe(self.worst_wall)}; "
                f"longest block of the GUI thread {self.worst_blocked.blocked * 1000:.0f} ms: "
                f"{describe(self.worst_blocked)}")

    def assert_unblocked(self, limit: float = 0.100) -> None:
        """Fail when the GUI thread was blocked ``limit`` seconds or more between two ticks (preemption left out)."""
        print(self.report())  # noqa: T201 - the wall-clock figures, for information (pytest -s or on failure)
        if not self.gaps:
            raise AssertionError("the timer-lag probe never ticked: the event loop did not turn")
        worst = self.worst_blocked
        if worst.blocked >= limit:
            raise AssertionError(f"the GUI thread was busy {worst.blocked * 1000:.0f} ms without its event loop "
                                 f"turning (limit {limit * 1000:.0f} ms); {self.report()}")
