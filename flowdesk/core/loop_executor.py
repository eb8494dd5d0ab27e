"""The core loop's default executor, counting its work so the store is closed only once no thread still reads it.

The listener, the GUI bridge and the run service read the store off the event loop with
``asyncio.to_thread``/``run_in_executor(None, ...)``. A SQLite connection closed from the loop
thread while such a thread is inside ``sqlite3_step`` on it is a use-after-free: the process dies
with a segmentation fault (seen when the window closed while the workflow pane was reading its
recent runs). ``Runtime.stop`` therefore waits for this executor to go idle before closing the store.
"""

from __future__ import annotations

import asyncio
import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

_EXECUTORS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, TrackedExecutor] = weakref.WeakKeyDictionary()
_EXECUTORS_LOCK = threading.Lock()


class TrackedExecutor(ThreadPoolExecutor):
    """A ThreadPoolExecutor that knows how many of its submitted calls have not finished yet."""

    def __init__(self, max_workers: int | None = None) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="flowdesk-io")
        self._busy = 0
        self._busy_lock = threading.Lock()

    @property
    def busy(self) -> int:
        """Calls submitted and not finished (queued ones included)."""
        return self._busy

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        """As ThreadPoolExecutor.submit, counted until the call ends (or is cancelled)."""
        with self._busy_lock:
            self._busy += 1
        try:
            future = super().submit(fn, *args, **kwargs)
        except BaseException:
            self._finished(None)
            raise
        future.add_done_callback(self._finished)
        return future

    def _finished(self, _future: Future | None) -> None:
        with self._busy_lock:
            self._busy -= 1

    async def wait_idle(self, timeout: float) -> bool:
        """Wait (on the loop, without a thread of this pool) until no call is running; False on timeout."""
        deadline = time.monotonic() + timeout
        delay = 0.001
        while self._busy:
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.05)  # only at stop: a short poll beats a wake-up on every call
        return True


def tracked_default_executor(loop: asyncio.AbstractEventLoop) -> TrackedExecutor:
    """The loop's default executor, made a TrackedExecutor once per loop (later calls return the same one)."""
    with _EXECUTORS_LOCK:
        executor = _EXECUTORS.get(loop)
        if executor is None:
            executor = TrackedExecutor()
            loop.set_default_executor(executor)
            _EXECUTORS[loop] = executor
        return executor


__all__ = ["TrackedExecutor", "tracked_default_executor"]
