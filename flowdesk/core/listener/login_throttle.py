"""Failed ``/auth/login`` attempts, counted per remote address in a sliding window (then 429)."""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque

from aiohttp import web

MAX_FAILURES = 5  # failed attempts allowed per window and address
WINDOW = 60.0  # seconds
MAX_ADDRESSES = 10_000  # bound on memory when many addresses fail


class LoginThrottle:
    """Remembers recent failures per address; ``retry_after`` says how long an address must wait."""

    def __init__(self, max_failures: int = MAX_FAILURES, window: float = WINDOW) -> None:
        self.max_failures = max_failures
        self.window = window
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, address: str, now: float) -> deque[float]:
        times = self._failures.get(address)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[address]
        return times

    def retry_after(self, address: str) -> int:
        """Whole seconds until ``address`` may try again; 0 when it may try now."""
        now = time.monotonic()
        times = self._recent(address, now)
        if len(times) < self.max_failures:
            return 0
        # The window opens again when the oldest failure that still counts leaves it.
        return max(1, math.ceil(times[-self.max_failures] + self.window - now))

    def record_failure(self, address: str) -> None:
        """Count one failed attempt from ``address``."""
        now = time.monotonic()
        times = self._recent(address, now)
        if not times:
            self._failures[address] = times
        times.append(now)
        del_count = len(times) - self.max_failures
        for _ in range(max(0, del_count)):
            times.popleft()  # only the newest max_failures matter for the wait
        self._failures.move_to_end(address)
        while len(self._failures) > MAX_ADDRESSES:
            self._failures.popitem(last=False)


LOGIN_THROTTLE: web.AppKey[LoginThrottle] = web.AppKey("login_throttle", LoginThrottle)


def client_address(request: web.Request) -> str:
    """The peer address the throttle counts against (the socket's, never a forwarded header)."""
    return request.remote or "unknown"
