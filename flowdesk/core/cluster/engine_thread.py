"""FlowDesk's own engine inside a Celery worker: one asyncio loop thread, one warm subprocess pool.

Celery's task threads only wait here; workflow code runs in the engine's isolated subprocesses, so
timeouts, secret masking and crash isolation are exactly those of the desktop app and ``serve``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from flowdesk.core.engine import Engine, RunEvent, RunOutcome, RunSpec
from flowdesk.core.engine.stale_workers import kill_stale_workers

log = logging.getLogger(__name__)


class EngineThread:
    """Owns an Engine on a loop of its own; ``run(spec)`` may be called from any thread and blocks."""

    def __init__(self, workspace_root: Path, workers_dir: Path, concurrency: int, *, default_timeout: float = 300.0,
                 log_limit: int = 1_000_000, on_event: Callable[[RunEvent], None] | None = None) -> None:
        self.workers_dir = workers_dir
        self.engine = Engine(workspace_root, max_workers=concurrency, warm_workers=concurrency,
                             queue_limit=max(1000, concurrency * 4), default_timeout=default_timeout,
                             log_limit=log_limit, on_event=on_event, worker_records=workers_dir)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._main, name="flowdesk-engine", daemon=True)
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._stop_lock = threading.Lock()  # a signal and the final cleanup may both ask to stop
        self._left: list[str] | None = None

    def start(self, timeout: float = 60.0) -> None:
        """Start the loop thread and warm the pool; raises what the engine's start raised."""
        kill_stale_workers(self.workers_dir)  # a previous worker on this data dir killed with -9
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError("the run engine did not start in time")
        if self._error is not None:
            raise self._error

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self.engine.start())
        except BaseException as exc:  # noqa: BLE001 - reported to start()
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self.loop.run_forever()

    def run(self, spec: RunSpec) -> RunOutcome:
        """Run one spec on the engine and wait for its outcome (called from a Celery task thread).

        The engine's own future is bridged to this thread by one lock the loop releases (no
        coroutine, task and chained futures per run as ``run_coroutine_threadsafe`` makes).
        """
        handoff = _Handoff()
        self.loop.call_soon_threadsafe(self._submit, spec, handoff)
        return handoff.wait()

    def _submit(self, spec: RunSpec, handoff: _Handoff) -> None:
        """On the engine loop: submit, and hand the outcome (or the refusal) to the waiting thread."""
        try:
            future = self.engine.submit(spec)
        except BaseException as exc:  # noqa: BLE001 - QueueFull, EngineStopped: the caller's to handle
            handoff.fail(exc)
            return
        future.add_done_callback(handoff.settle)

    def call_soon(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` on the engine loop."""
        self.loop.call_soon_threadsafe(callback)

    @property
    def running(self) -> int:
        """Runs in the engine right now (read from another thread: an approximate count is fine)."""
        return self.engine.running

    def stop(self, grace: float = 10.0) -> list[str]:
        """Let running runs finish up to ``grace`` seconds, kill the rest and every worker process (once)."""
        with self._stop_lock:
            if self._left is not None or not self._thread.is_alive():
                return self._left or []
            try:
                self._left = asyncio.run_coroutine_threadsafe(self.engine.stop(grace), self.loop).result(grace + 30)
            except Exception:  # noqa: BLE001 - stopping must finish even if the engine misbehaves
                log.exception("stopping the run engine failed")
                self._left = []
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(10)
            return self._left



class _Handoff:
    """One outcome passed from the engine loop to the thread waiting for it."""

    __slots__ = ("_done", "_outcome", "_error")

    def __init__(self) -> None:
        self._done = threading.Lock()
        self._done.acquire()  # released once, by the loop, when the outcome is in
        self._outcome: RunOutcome | None = None
        self._error: BaseException | None = None

    def settle(self, future: asyncio.Future[RunOutcome]) -> None:
        """The engine future's end (called on the loop)."""
        if future.cancelled():
            self._error = asyncio.CancelledError()
        else:
            self._error = future.exception()
            self._outcome = None if self._error is not None else future.result()
        self._done.release()

    def fail(self, exc: BaseException) -> None:
        """The engine refused the run."""
        self._error = exc
        self._done.release()

    def wait(self) -> RunOutcome:
        """Block until settled; the outcome, or the engine's error raised here."""
        self._done.acquire()
        if self._error is not None:
            raise self._error
        assert self._outcome is not None
        return self._outcome
