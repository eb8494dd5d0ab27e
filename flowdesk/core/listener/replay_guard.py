"""Timestamped webhook deliveries: refuse old timestamps and signatures already seen in the window."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from aiohttp import web

REPLAY_WINDOW = 300.0  # seconds a timestamp stays acceptable, either side of now (clock skew)
MAX_REMEMBERED = 50_000  # signatures kept; only correctly signed deliveries are ever recorded


def timestamp_problem(value: str | None, *, now: float | None = None, window: float = REPLAY_WINDOW) -> str | None:
    """Why a ``X-FlowDesk-Timestamp`` value (Unix seconds) is not acceptable, or None when it is fresh."""
    if not value:
        return "missing timestamp"
    if not value.isascii() or not value.isdigit() or len(value) > 12:
        return "timestamp is not Unix seconds"
    age = (time.time() if now is None else now) - int(value)
    if abs(age) > window:
        return f"timestamp is {int(age)} s from now (window {int(window)} s)"
    return None


class ReplayGuard:
    """Signatures seen recently; a second delivery with the same one is a replay."""

    def __init__(self, window: float = REPLAY_WINDOW, capacity: int = MAX_REMEMBERED) -> None:
        # A timestamp may be up to ``window`` in the future and is accepted until ``window`` after it,
        # so a signature must be remembered for twice the window from when it was first seen.
        self.keep_for = 2 * window
        self.capacity = capacity
        self._seen: OrderedDict[str, float] = OrderedDict()  # key -> forget-at (monotonic), in insertion order
        self._lock = threading.Lock()

    def first_use(self, key: str) -> bool:
        """True the first time ``key`` is seen within the window (and remember it); False for a replay."""
        now = time.monotonic()
        with self._lock:
            while self._seen:
                oldest, forget_at = next(iter(self._seen.items()))
                if forget_at > now:
                    break
                del self._seen[oldest]
            if key in self._seen:
                return False
            self._seen[key] = now + self.keep_for
            while len(self._seen) > self.capacity:
                self._seen.popitem(last=False)
            return True

    def __len__(self) -> int:
        with self._lock:
            return len(self._seen)


REPLAY_GUARD: web.AppKey[ReplayGuard] = web.AppKey("webhook_replay_guard", ReplayGuard)
