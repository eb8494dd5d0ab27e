"""Notice wall-clock jumps and wake-ups from sleep, which asyncio's monotonic timers sleep through."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class ClockWatch:
    """Every ``interval`` s, compare wall-clock and monotonic progress; call ``on_jump`` when they part.

    On Linux the monotonic clock stops during suspend, so a timer set for 09:00 before a night's
    sleep fires hours late; a changed system clock has the same effect. One cheap tick is enough
    to notice both.
    """

    def __init__(self, on_jump: Callable[[float], None], interval: float = 10.0, tolerance: float = 5.0,
                 wall: Callable[[], float] = time.time, mono: Callable[[], float] = time.monotonic) -> None:
        self.on_jump = on_jump
        self.wall, self.mono = wall, mono
        self.interval = interval
        self.tolerance = tolerance
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin watching on the running loop."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="flowdesk-clock-watch")

    async def stop(self) -> None:
        """Stop watching."""
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def _run(self) -> None:
        wall, mono = self.wall(), self.mono()
        while True:
            await asyncio.sleep(self.interval)
            now_wall, now_mono = self.wall(), self.mono()
            jump = (now_wall - wall) - (now_mono - mono)
            wall, mono = now_wall, now_mono
            if abs(jump) > self.tolerance:
                log.info("wall clock moved %+.0f s against the monotonic clock (sleep or clock change)", jump)
                try:
                    self.on_jump(jump)
                except Exception:  # the watch must survive its callback
                    log.exception("clock jump handler failed")
